#include "support/postgres.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>

#include "es/core/uuid.h"

namespace es::testing {

std::string test_pg_url() {
  const char* url = std::getenv("ES_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "ES_TEST_PG_URL is not set: run the postgres tests through ctest, which "
                     "starts the server (scripts/pg.sh)";
    return "";
  }
  return url;
}

std::string fresh_pg_schema() {
  std::string name = "t";
  for (char c : Uuid::v7().to_string()) {
    if (c != '-') name += c;
  }
  return name;
}

std::string create_test_database() {
  const std::string server = test_pg_url();
  if (server.empty()) return "";
  const std::string database = fresh_pg_schema();
  PGconn* admin = PQconnectdb(server.c_str());
  PGresult* created = PQexec(admin, ("CREATE DATABASE " + database).c_str());
  const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
  const std::string error = PQerrorMessage(admin);
  PQclear(created);
  PQfinish(admin);
  EXPECT_TRUE(ok) << "CREATE DATABASE: " << error;
  if (!ok) return "";
  return server.substr(0, server.rfind('/') + 1) + database;
}

std::unique_ptr<EventStore> open_test_postgres(PostgresOptions options) {
  const std::string url = test_pg_url();
  if (url.empty()) return nullptr;
  options.schema = fresh_pg_schema();
  auto store = open_postgres(url, options);
  EXPECT_TRUE(store.has_value()) << store.error().to_string();
  if (!store) return nullptr;
  return std::move(*store);
}

}  // namespace es::testing

#include "postgres/raw_postgres.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>

namespace es::testing {

std::vector<std::string> pg_query(const std::string& url, const std::string& schema,
                                  const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "connect: " << PQerrorMessage(conn.get());
    return {};
  }
  const std::string script = "SET search_path TO " + schema + "; " + sql;
  const std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), script.c_str()),
                                                        PQclear);
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(conn.get());
    return {};
  }
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
  return out;
}

}  // namespace es::testing

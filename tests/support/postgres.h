// The test server of the postgres backend: CTest starts a throwaway PostgreSQL (scripts/pg.sh, a
// FIXTURES_SETUP test) and passes its URL in ES_TEST_PG_URL. Each store opened here lives in a
// schema of its own, so tests are independent and may run in parallel against one server. Without
// the variable or the server the test fails: nothing is skipped.
//
//   auto store = es::testing::open_test_postgres();
//   ASSERT_NE(store, nullptr);
#pragma once

#include <memory>
#include <string>

#include "es/store/event_store.h"
#include "es/store/postgres_store.h"

namespace es::testing {

// ES_TEST_PG_URL; fails the test (and returns "") when it is not set.
std::string test_pg_url();

// A schema name no other test uses.
std::string fresh_pg_schema();

// The URL of a fresh database on the test server, for programs that open a URL's `public`
// schema (the es CLI); "" (and the test failed) when it cannot be created.
std::string create_test_database();

// A store in a fresh schema, with `options` otherwise; null (and the test failed) when it cannot
// be opened.
std::unique_ptr<EventStore> open_test_postgres(PostgresOptions options = {});

}  // namespace es::testing

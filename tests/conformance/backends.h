// The conformance suite runs every test against every backend (DESIGN §5). A backend joins the
// suite by adding one factory to backends() in backends.cc; no test changes.
//
// A test suite derives its fixture from StoreTest and instantiates it with
// ES_INSTANTIATE_FOR_EVERY_BACKEND(SuiteName); the fixture opens a fresh, empty store per test.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "es/store/event_store.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {

struct Backend {
  std::string name;
  std::string kind;  // what stats() names as the backend
  // Opens a fresh, empty store whose files (if any) live under `dir`.
  std::function<std::unique_ptr<EventStore>(const TempDir& dir, const Limits& limits)> open;
};

const std::vector<Backend>& backends();

// Test names and failure messages show the backend's name.
void PrintTo(const Backend& backend, std::ostream* os);

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_, limits());
    ASSERT_NE(store_, nullptr) << "backend " << GetParam().name << " did not open";
  }
  // Limits of the store under test; override for a suite that needs others.
  virtual Limits limits() const { return {}; }

  EventStore& store() { return *store_; }

  // Appends `count` fresh events to `stream` under `any`, asserting success.
  AppendResult append_events(std::string_view stream, std::size_t count,
                             std::string_view type = "test.Happened", std::string_view tenant = {});
  // A stream in each state of DESIGN §4 with `version` events written before it got there.
  void make_live(std::string_view stream, std::int64_t version);
  void make_soft_deleted(std::string_view stream, std::int64_t version);
  void make_tombstoned(std::string_view stream, std::int64_t version);

  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace es::testing

#define ES_INSTANTIATE_FOR_EVERY_BACKEND(Suite)                                             \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::es::testing::backends()), \
                           ::es::testing::backend_name)

// The projection tests run against every backend of the conformance suite, each with the
// checkpoint store that goes with it: in memory beside the memory store, the `checkpoints`
// table of the same file beside the SQLite store.
#pragma once

#include <memory>

#include "conformance/backends.h"
#include "es/projection/checkpoint_store.h"

namespace es::testing {

class ProjectionTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    checkpoints_ = open_checkpoints();
    ASSERT_NE(checkpoints_, nullptr);
  }

  [[nodiscard]] bool is_sqlite() const { return GetParam().name == "sqlite"; }
  // The store file of the SQLite backend (backends.cc opens it under this name).
  [[nodiscard]] std::string store_path() const { return dir_.file("events.db"); }
  // A fresh handle on the backend's checkpoints (for SQLite: a new connection to the file).
  std::unique_ptr<CheckpointStore> open_checkpoints();

  CheckpointStore& checkpoints() { return *checkpoints_; }

  std::unique_ptr<CheckpointStore> checkpoints_;
};

}  // namespace es::testing

#include "projection/projection_backends.h"

namespace es::testing {

std::unique_ptr<CheckpointStore> ProjectionTest::open_checkpoints() {
  if (!is_sqlite()) return make_memory_checkpoint_store();
  auto opened = open_sqlite_checkpoint_store(store_path());
  EXPECT_TRUE(opened.has_value()) << opened.error().to_string();
  return opened ? std::move(*opened) : nullptr;
}

}  // namespace es::testing

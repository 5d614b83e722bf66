#include "projection/projection_backends.h"

namespace es::testing {
namespace {

template <typename T>
std::unique_ptr<T> opened(Result<std::unique_ptr<T>> result) {
  EXPECT_TRUE(result.has_value()) << result.error().to_string();
  return result ? std::move(*result) : nullptr;
}

}  // namespace

std::unique_ptr<CheckpointStore> ProjectionTest::open_checkpoints() {
  if (is_sqlite()) return opened(open_sqlite_checkpoint_store(store_path()));
  if (is_database()) return opened(open_postgres_checkpoint_store(test_pg_url(), pg_options_));
  return make_memory_checkpoint_store();
}

std::unique_ptr<DeadLetterStore> ProjectionTest::open_dead_letters() {
  if (is_sqlite()) return opened(open_sqlite_dead_letter_store(store_path()));
  if (is_database()) return opened(open_postgres_dead_letter_store(test_pg_url(), pg_options_));
  return make_memory_dead_letter_store();
}

}  // namespace es::testing

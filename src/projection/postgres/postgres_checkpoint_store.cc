#include "es/projection/checkpoint_store.h"
#include "projection/postgres/checkpoint_table.h"
#include "projection/postgres/session.h"

namespace es {
namespace {

class PostgresCheckpointStore final : public CheckpointStore {
 public:
  explicit PostgresCheckpointStore(std::unique_ptr<postgres::Session> session)
      : session_(std::move(session)) {}

 protected:
  Result<std::optional<Position>> do_load(std::string_view name) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::CheckpointTable(c).load(name); });
  }
  Status do_save(std::string_view name, const std::optional<Position>& expected,
                 Position next) override {
    return session_->with([&](postgres::Connection& c) {
      return postgres::CheckpointTable(c).save(name, expected, next);
    });
  }
  Status do_remove(std::string_view name) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::CheckpointTable(c).remove(name); });
  }
  Result<std::vector<Checkpoint>> do_list() override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::CheckpointTable(c).list(); });
  }

 private:
  std::unique_ptr<postgres::Session> session_;
};

}  // namespace

Result<std::unique_ptr<CheckpointStore>> open_postgres_checkpoint_store(
    const std::string& conninfo, const PostgresOptions& options) {
  auto session = postgres::Session::open(conninfo, options);
  if (!session) return session.error();
  return std::unique_ptr<CheckpointStore>(
      std::make_unique<PostgresCheckpointStore>(std::move(*session)));
}

}  // namespace es

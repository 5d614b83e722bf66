#include "projection/sqlite/checkpoint_table.h"

#include "projection/checkpoint_conflict.h"
#include "projection/stored_position.h"

namespace es::sqlite {
namespace {

Result<Position> parse_stored(std::string_view text) {
  return detail::parse_stored_position("checkpoints", text);
}

}  // namespace

Result<CheckpointTable> CheckpointTable::prepare(Connection& conn) {
  CheckpointTable table;
  table.db_ = conn.get();
  struct Entry {
    Statement* stmt;
    std::string_view sql;
  };
  const Entry entries[] = {
      {&table.load_, "SELECT position FROM checkpoints WHERE name = ?1"},
      // Positions are compared in their canonical text form, which is unique per position.
      {&table.insert_,
       "INSERT INTO checkpoints (name, position, updated_at) VALUES (?1, ?2, ?3) "
       "ON CONFLICT (name) DO NOTHING"},
      {&table.update_,
       "UPDATE checkpoints SET position = ?2, updated_at = ?3 WHERE name = ?1 AND position = ?4"},
      {&table.remove_, "DELETE FROM checkpoints WHERE name = ?1"},
      {&table.list_, "SELECT name, position, updated_at FROM checkpoints ORDER BY name"},
  };
  for (const Entry& e : entries) {
    auto stmt = conn.prepare(e.sql);
    if (!stmt) return stmt.error();
    *e.stmt = std::move(*stmt);
  }
  return table;
}

Result<std::optional<Position>> CheckpointTable::load(std::string_view name) {
  StatementReset reset(load_);
  load_.bind(1, name);
  const int rc = load_.step();
  if (rc == SQLITE_DONE) return std::optional<Position>();
  if (rc != SQLITE_ROW) return error_status(db_, rc, "load checkpoint");
  auto position = parse_stored(load_.column_text(0));
  if (!position) return position.error();
  return std::optional<Position>(*position);
}

Status CheckpointTable::save(std::string_view name, const std::optional<Position>& expected,
                             Position next) {
  const std::string next_text = next.to_string();
  const std::string expected_text = expected ? expected->to_string() : std::string();
  Statement& stmt = expected ? update_ : insert_;
  {
    StatementReset reset(stmt);
    stmt.bind(1, name);
    stmt.bind(2, next_text);
    stmt.bind(3, to_unix_micros(now()));
    if (expected) stmt.bind(4, expected_text);
    const int rc = stmt.step();
    if (rc != SQLITE_DONE) return error_status(db_, rc, "save checkpoint");
  }
  if (sqlite3_changes(db_) == 1) return Status::ok();
  auto actual = load(name);
  if (!actual) return actual.error();
  return detail::checkpoint_conflict(name, expected, *actual);
}

Status CheckpointTable::remove(std::string_view name) {
  remove_.bind(1, name);
  return remove_.run("remove checkpoint");
}

Result<std::vector<Checkpoint>> CheckpointTable::list() {
  StatementReset reset(list_);
  std::vector<Checkpoint> out;
  for (;;) {
    const int rc = list_.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return error_status(db_, rc, "list checkpoints");
    auto position = parse_stored(list_.column_text(1));
    if (!position) return position.error();
    out.push_back(
        {std::string(list_.column_text(0)), *position, from_unix_micros(list_.column_int(2))});
  }
}

}  // namespace es::sqlite

#include "projection/sqlite/dead_letter_table.h"

#include "projection/stored_position.h"

namespace es::sqlite {
namespace {

// ?1 = '' selects every subscription, ?2 IS NULL every stream.
constexpr std::string_view kSelected =
    "(?1 = '' OR subscription = ?1) AND (?2 IS NULL OR stream = ?2)";

void bind_stream(Statement& stmt, const std::optional<std::string>& stream) {
  if (stream) {
    stmt.bind(2, *stream);
  } else {
    stmt.bind_null(2);
  }
}

Result<DeadLetter> read_row(const Statement& stmt) {
  DeadLetter letter;
  letter.subscription = stmt.column_text(0);
  auto position = detail::parse_stored_position("dead_letters", stmt.column_text(1));
  if (!position) return position.error();
  letter.position = *position;
  letter.stream = stmt.column_text(2);
  letter.version = stmt.column_int(3);
  auto id = Uuid::parse(stmt.column_text(4));
  if (!id) return Status::integrity("dead_letters: stored event id does not parse");
  letter.event_id = *id;
  letter.type = stmt.column_text(5);
  letter.error = stmt.column_text(6);
  letter.attempts = static_cast<std::uint32_t>(stmt.column_int(7));
  letter.redeliver = stmt.column_int(8) != 0;
  letter.parked_at = from_unix_micros(stmt.column_int(9));
  return letter;
}

}  // namespace

Result<DeadLetterTable> DeadLetterTable::prepare(Connection& conn) {
  DeadLetterTable table;
  table.db_ = conn.get();
  const std::string selected(kSelected);
  struct Entry {
    Statement* stmt;
    std::string sql;
  };
  const Entry entries[] = {
      {&table.park_,
       "INSERT INTO dead_letters (subscription, position, stream, version, event_id, type, "
       "error, attempts, parked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
       "ON CONFLICT (subscription, position) DO NOTHING"},
      {&table.list_,
       "SELECT subscription, position, stream, version, event_id, type, error, attempts, "
       "redeliver, parked_at FROM dead_letters WHERE ?1 = '' OR subscription = ?1 ORDER BY id"},
      {&table.count_, "SELECT count(*) FROM dead_letters WHERE ?1 = '' OR subscription = ?1"},
      {&table.retry_, "UPDATE dead_letters SET redeliver = 1 WHERE " + selected},
      {&table.discard_, "DELETE FROM dead_letters WHERE " + selected},
      {&table.remove_, "DELETE FROM dead_letters WHERE subscription = ?1 AND position = ?2"},
      {&table.keep_,
       "UPDATE dead_letters SET error = ?3, attempts = ?4, redeliver = 0 "
       "WHERE subscription = ?1 AND position = ?2"},
  };
  for (const Entry& e : entries) {
    auto stmt = conn.prepare(e.sql);
    if (!stmt) return stmt.error();
    *e.stmt = std::move(*stmt);
  }
  return table;
}

Status DeadLetterTable::park(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  const std::string id = letter.event_id.to_string();
  park_.bind(1, letter.subscription);
  park_.bind(2, position);
  park_.bind(3, letter.stream);
  park_.bind(4, letter.version);
  park_.bind(5, id);
  park_.bind(6, letter.type);
  park_.bind(7, letter.error);
  park_.bind(8, static_cast<std::int64_t>(letter.attempts));
  park_.bind(9, to_unix_micros(letter.parked_at));
  return park_.run("park dead letter");
}

Result<std::vector<DeadLetter>> DeadLetterTable::list(std::string_view subscription) {
  StatementReset reset(list_);
  list_.bind(1, subscription);
  std::vector<DeadLetter> out;
  for (;;) {
    const int rc = list_.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return error_status(db_, rc, "list dead letters");
    auto letter = read_row(list_);
    if (!letter) return letter.error();
    out.push_back(std::move(*letter));
  }
}

Result<std::uint64_t> DeadLetterTable::count(std::string_view subscription) {
  StatementReset reset(count_);
  count_.bind(1, subscription);
  const int rc = count_.step();
  if (rc != SQLITE_ROW) return error_status(db_, rc, "count dead letters");
  return static_cast<std::uint64_t>(count_.column_int(0));
}

Result<std::uint64_t> DeadLetterTable::retry(std::string_view subscription,
                                             const std::optional<std::string>& stream) {
  return change_selected(retry_, subscription, stream, "mark dead letters for redelivery");
}

Result<std::uint64_t> DeadLetterTable::discard(std::string_view subscription,
                                               const std::optional<std::string>& stream) {
  return change_selected(discard_, subscription, stream, "discard dead letters");
}

Status DeadLetterTable::remove(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  remove_.bind(1, letter.subscription);
  remove_.bind(2, position);
  return remove_.run("remove dead letter");
}

Status DeadLetterTable::keep(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  keep_.bind(1, letter.subscription);
  keep_.bind(2, position);
  keep_.bind(3, letter.error);
  keep_.bind(4, static_cast<std::int64_t>(letter.attempts));
  return keep_.run("keep dead letter");
}

Result<std::uint64_t> DeadLetterTable::change_selected(Statement& stmt,
                                                       std::string_view subscription,
                                                       const std::optional<std::string>& stream,
                                                       std::string_view what) {
  stmt.bind(1, subscription);
  bind_stream(stmt, stream);
  ES_RETURN_IF_ERROR(stmt.run(what));
  return static_cast<std::uint64_t>(sqlite3_changes(db_));
}

}  // namespace es::sqlite

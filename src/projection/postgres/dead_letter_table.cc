#include "projection/postgres/dead_letter_table.h"

#include "projection/stored_position.h"

namespace es::postgres {
namespace {

// $1 = '' selects every subscription, a NULL $2 every stream.
const std::string kSelected =
    "($1 = '' OR subscription = $1) AND ($2::text IS NULL OR stream = $2)";
const std::string kPark =
    "INSERT INTO dead_letters (subscription, position, stream, version, event_id, type, error, "
    "attempts, parked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "ON CONFLICT (subscription, position) DO NOTHING";
const std::string kList =
    "SELECT subscription, position, stream, version, event_id, type, error, attempts, redeliver, "
    "parked_at FROM dead_letters WHERE $1 = '' OR subscription = $1 ORDER BY id";
const std::string kCount = "SELECT count(*) FROM dead_letters WHERE $1 = '' OR subscription = $1";
const std::string kRetry =
    "UPDATE dead_letters SET redeliver = true WHERE " + kSelected + " RETURNING 1";
const std::string kDiscard = "DELETE FROM dead_letters WHERE " + kSelected + " RETURNING 1";
const std::string kRemove = "DELETE FROM dead_letters WHERE subscription = $1 AND position = $2";
const std::string kKeep =
    "UPDATE dead_letters SET error = $3, attempts = $4, redeliver = false "
    "WHERE subscription = $1 AND position = $2";

Result<DeadLetter> read_row(const PgResult& r, int row) {
  DeadLetter letter;
  letter.subscription = r.field(row, 0);
  auto position = detail::parse_stored_position("dead_letters", r.field(row, 1));
  if (!position) return position.error();
  letter.position = *position;
  letter.stream = r.field(row, 2);
  letter.version = read_int8(r.field(row, 3));
  letter.event_id = read_uuid(r.field(row, 4));
  letter.type = r.field(row, 5);
  letter.error = r.field(row, 6);
  letter.attempts = static_cast<std::uint32_t>(read_int8(r.field(row, 7)));
  letter.redeliver = read_bool(r.field(row, 8));
  letter.parked_at = read_timestamptz(r.field(row, 9));
  return letter;
}

}  // namespace

Status DeadLetterTable::park(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  Params p;
  p.text(letter.subscription).text(position).text(letter.stream).int8(letter.version);
  p.uuid(letter.event_id).text(letter.type).text(letter.error);
  p.int8(letter.attempts).timestamptz(letter.parked_at);
  auto r = conn_.query(kPark, p);
  return r ? Status::ok() : r.error();
}

Result<std::vector<DeadLetter>> DeadLetterTable::list(std::string_view subscription) {
  Params p;
  auto r = conn_.query(kList, p.text(subscription));
  if (!r) return r.error();
  std::vector<DeadLetter> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto letter = read_row(*r, i);
    if (!letter) return letter.error();
    out.push_back(std::move(*letter));
  }
  return out;
}

Result<std::uint64_t> DeadLetterTable::count(std::string_view subscription) {
  Params p;
  auto r = conn_.query(kCount, p.text(subscription));
  if (!r) return r.error();
  return static_cast<std::uint64_t>(read_int8(r->field(0, 0)));
}

Result<std::uint64_t> DeadLetterTable::retry(std::string_view subscription,
                                             const std::optional<std::string>& stream) {
  return change_selected(kRetry, subscription, stream);
}

Result<std::uint64_t> DeadLetterTable::discard(std::string_view subscription,
                                               const std::optional<std::string>& stream) {
  return change_selected(kDiscard, subscription, stream);
}

Status DeadLetterTable::remove(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  Params p;
  auto r = conn_.query(kRemove, p.text(letter.subscription).text(position));
  return r ? Status::ok() : r.error();
}

Status DeadLetterTable::keep(const DeadLetter& letter) {
  const std::string position = letter.position.to_string();
  Params p;
  p.text(letter.subscription).text(position).text(letter.error).int8(letter.attempts);
  auto r = conn_.query(kKeep, p);
  return r ? Status::ok() : r.error();
}

Result<std::uint64_t> DeadLetterTable::change_selected(const std::string& sql,
                                                       std::string_view subscription,
                                                       const std::optional<std::string>& stream) {
  Params p;
  p.text(subscription);
  if (stream) {
    p.text(*stream);
  } else {
    p.null(Oid::kText);
  }
  auto r = conn_.query(sql, p);
  if (!r) return r.error();
  return static_cast<std::uint64_t>(r->rows());
}

}  // namespace es::postgres

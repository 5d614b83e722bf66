#include "es/projection/dead_letter_store.h"
#include "projection/postgres/session.h"
#include "projection/stored_position.h"

namespace es {
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

Result<DeadLetter> read_row(const postgres::PgResult& r, int row) {
  DeadLetter letter;
  letter.subscription = r.field(row, 0);
  auto position = detail::parse_stored_position("dead_letters", r.field(row, 1));
  if (!position) return position.error();
  letter.position = *position;
  letter.stream = r.field(row, 2);
  letter.version = postgres::read_int8(r.field(row, 3));
  letter.event_id = postgres::read_uuid(r.field(row, 4));
  letter.type = r.field(row, 5);
  letter.error = r.field(row, 6);
  letter.attempts = static_cast<std::uint32_t>(postgres::read_int8(r.field(row, 7)));
  letter.redeliver = postgres::read_bool(r.field(row, 8));
  letter.parked_at = postgres::read_timestamptz(r.field(row, 9));
  return letter;
}

class PostgresDeadLetterStore final : public DeadLetterStore {
 public:
  explicit PostgresDeadLetterStore(std::unique_ptr<postgres::Session> session)
      : session_(std::move(session)) {}

 protected:
  Status do_park(const DeadLetter& letter) override {
    const std::string position = letter.position.to_string();
    postgres::Params p;
    p.text(letter.subscription).text(position).text(letter.stream).int8(letter.version);
    p.uuid(letter.event_id).text(letter.type).text(letter.error);
    p.int8(letter.attempts).timestamptz(letter.parked_at);
    auto r = session_->query(kPark, p);
    return r ? Status::ok() : r.error();
  }

  Result<std::vector<DeadLetter>> do_list(std::string_view subscription) override {
    postgres::Params p;
    auto r = session_->query(kList, p.text(subscription));
    if (!r) return r.error();
    std::vector<DeadLetter> out;
    for (int i = 0; i < r->rows(); ++i) {
      auto letter = read_row(*r, i);
      if (!letter) return letter.error();
      out.push_back(std::move(*letter));
    }
    return out;
  }

  Result<std::uint64_t> do_count(std::string_view subscription) override {
    postgres::Params p;
    auto r = session_->query(kCount, p.text(subscription));
    if (!r) return r.error();
    return static_cast<std::uint64_t>(postgres::read_int8(r->field(0, 0)));
  }

  Result<std::uint64_t> do_retry(std::string_view subscription,
                                 const std::optional<std::string>& stream) override {
    return change_selected(kRetry, subscription, stream);
  }

  Result<std::uint64_t> do_discard(std::string_view subscription,
                                   const std::optional<std::string>& stream) override {
    return change_selected(kDiscard, subscription, stream);
  }

  Status do_remove(const DeadLetter& letter) override {
    const std::string position = letter.position.to_string();
    postgres::Params p;
    auto r = session_->query(kRemove, p.text(letter.subscription).text(position));
    return r ? Status::ok() : r.error();
  }

  Status do_keep(const DeadLetter& letter) override {
    const std::string position = letter.position.to_string();
    postgres::Params p;
    p.text(letter.subscription).text(position).text(letter.error).int8(letter.attempts);
    auto r = session_->query(kKeep, p);
    return r ? Status::ok() : r.error();
  }

 private:
  // Runs `sql` (which returns a row per row it changed) on the selected letters.
  Result<std::uint64_t> change_selected(const std::string& sql, std::string_view subscription,
                                        const std::optional<std::string>& stream) {
    postgres::Params p;
    p.text(subscription);
    if (stream) {
      p.text(*stream);
    } else {
      p.null(postgres::Oid::kText);
    }
    auto r = session_->query(sql, p);
    if (!r) return r.error();
    return static_cast<std::uint64_t>(r->rows());
  }

  std::unique_ptr<postgres::Session> session_;
};

}  // namespace

Result<std::unique_ptr<DeadLetterStore>> open_postgres_dead_letter_store(
    const std::string& conninfo, const PostgresOptions& options) {
  auto session = postgres::Session::open(conninfo, options);
  if (!session) return session.error();
  return std::unique_ptr<DeadLetterStore>(
      std::make_unique<PostgresDeadLetterStore>(std::move(*session)));
}

}  // namespace es

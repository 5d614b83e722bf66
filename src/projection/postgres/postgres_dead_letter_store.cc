#include "es/projection/dead_letter_store.h"
#include "projection/postgres/dead_letter_table.h"
#include "projection/postgres/session.h"

namespace es {
namespace {

class PostgresDeadLetterStore final : public DeadLetterStore {
 public:
  explicit PostgresDeadLetterStore(std::unique_ptr<postgres::Session> session)
      : session_(std::move(session)) {}

 protected:
  Status do_park(const DeadLetter& letter) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::DeadLetterTable(c).park(letter); });
  }
  Result<std::vector<DeadLetter>> do_list(std::string_view subscription) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::DeadLetterTable(c).list(subscription); });
  }
  Result<std::uint64_t> do_count(std::string_view subscription) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::DeadLetterTable(c).count(subscription); });
  }
  Result<std::uint64_t> do_retry(std::string_view subscription,
                                 const std::optional<std::string>& stream) override {
    return session_->with([&](postgres::Connection& c) {
      return postgres::DeadLetterTable(c).retry(subscription, stream);
    });
  }
  Result<std::uint64_t> do_discard(std::string_view subscription,
                                   const std::optional<std::string>& stream) override {
    return session_->with([&](postgres::Connection& c) {
      return postgres::DeadLetterTable(c).discard(subscription, stream);
    });
  }
  Status do_remove(const DeadLetter& letter) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::DeadLetterTable(c).remove(letter); });
  }
  Status do_keep(const DeadLetter& letter) override {
    return session_->with(
        [&](postgres::Connection& c) { return postgres::DeadLetterTable(c).keep(letter); });
  }

 private:
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

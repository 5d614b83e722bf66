#include <mutex>

#include "es/projection/dead_letter_store.h"
#include "projection/sqlite/dead_letter_table.h"
#include "store/sqlite/schema.h"

namespace es {
namespace {

class SqliteDeadLetterStore final : public DeadLetterStore {
 public:
  // `conn` is heap-held so the table's statements keep pointing at it.
  SqliteDeadLetterStore(std::unique_ptr<sqlite::Connection> conn, sqlite::DeadLetterTable table)
      : conn_(std::move(conn)), table_(std::move(table)) {}

 protected:
  Status do_park(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    return table_.park(letter);
  }
  Result<std::vector<DeadLetter>> do_list(std::string_view subscription) override {
    std::lock_guard lock(mutex_);
    return table_.list(subscription);
  }
  Result<std::uint64_t> do_count(std::string_view subscription) override {
    std::lock_guard lock(mutex_);
    return table_.count(subscription);
  }
  Result<std::uint64_t> do_retry(std::string_view subscription,
                                 const std::optional<std::string>& stream) override {
    std::lock_guard lock(mutex_);
    return table_.retry(subscription, stream);
  }
  Result<std::uint64_t> do_discard(std::string_view subscription,
                                   const std::optional<std::string>& stream) override {
    std::lock_guard lock(mutex_);
    return table_.discard(subscription, stream);
  }
  Status do_remove(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    return table_.remove(letter);
  }
  Status do_keep(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    return table_.keep(letter);
  }

 private:
  std::mutex mutex_;  // one connection: one statement at a time
  std::unique_ptr<sqlite::Connection> conn_;
  sqlite::DeadLetterTable table_;
};

}  // namespace

Result<std::unique_ptr<DeadLetterStore>> open_sqlite_dead_letter_store(
    const std::string& path, const SqliteOptions& options) {
  auto conn = sqlite::open_store_connection(path, options);
  if (!conn) return conn.error();
  auto owned = std::make_unique<sqlite::Connection>(std::move(*conn));
  auto table = sqlite::DeadLetterTable::prepare(*owned);
  if (!table) return table.error();
  return std::unique_ptr<DeadLetterStore>(
      std::make_unique<SqliteDeadLetterStore>(std::move(owned), std::move(*table)));
}

}  // namespace es

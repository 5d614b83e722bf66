#include "projection/sqlite/dead_letter_sink.h"

namespace es::sqlite {
namespace {

class SqliteSink final : public detail::DeliverySink {
 public:
  SqliteSink(SqliteSinkParts parts, DeadLetterTable letters)
      : parts_(std::move(parts)), letters_(std::move(letters)) {}

  [[nodiscard]] bool transactional() const override { return true; }
  Status begin() override { return parts_.tx->begin(); }
  Status handle(const RecordedEvent& event) override {
    Tx tx(*parts_.tx);
    ES_RETURN_IF_ERROR(parts_.handle(event, tx));
    // A failed statement the handler ignored still fails its event.
    return parts_.tx->status();
  }
  Status commit(std::optional<Position> to) override {
    std::optional<Position>& saved = *parts_.saved;
    if (to && *to != saved) {
      ES_RETURN_IF_ERROR(parts_.checkpoints->save(parts_.checkpoint_name, saved, *to));
    }
    ES_RETURN_IF_ERROR(parts_.tx->commit());
    if (to) saved = *to;
    return Status::ok();
  }
  void rollback() override { parts_.tx->rollback(); }

  Result<std::vector<DeadLetter>> letters() override {
    return letters_.list(parts_.checkpoint_name);
  }
  Status park(const DeadLetter& letter) override { return letters_.park(letter); }
  Status remove(const DeadLetter& letter) override { return letters_.remove(letter); }
  Status keep(const DeadLetter& letter) override { return letters_.keep(letter); }

 private:
  SqliteSinkParts parts_;
  DeadLetterTable letters_;
};

}  // namespace

Result<std::unique_ptr<detail::DeliverySink>> make_sqlite_sink(Connection& conn,
                                                               SqliteSinkParts parts) {
  auto letters = DeadLetterTable::prepare(conn);
  if (!letters) return letters.error();
  return std::unique_ptr<detail::DeliverySink>(
      std::make_unique<SqliteSink>(std::move(parts), std::move(*letters)));
}

}  // namespace es::sqlite

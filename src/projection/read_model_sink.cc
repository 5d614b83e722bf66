#include "projection/read_model_sink.h"

namespace es::detail {
namespace {

class ReadModelSink final : public DeliverySink {
 public:
  explicit ReadModelSink(ReadModelSinkParts parts) : parts_(std::move(parts)) {}

  [[nodiscard]] bool transactional() const override { return true; }
  Status begin() override { return tx().begin(); }
  Status handle(const RecordedEvent& event) override {
    Tx handle_tx(tx());
    ES_RETURN_IF_ERROR(parts_.handle(event, handle_tx));
    // A failed statement the handler ignored still fails its event.
    return tx().status();
  }
  Status commit(std::optional<Position> to) override {
    std::optional<Position>& saved = *parts_.saved;
    if (to && *to != saved) {
      ES_RETURN_IF_ERROR(model().save_checkpoint(parts_.checkpoint_name, saved, *to));
    }
    ES_RETURN_IF_ERROR(tx().commit());
    if (to) saved = *to;
    return Status::ok();
  }
  void rollback() override { tx().rollback(); }

  Result<std::vector<DeadLetter>> letters() override {
    return model().list_letters(parts_.checkpoint_name);
  }
  Status park(const DeadLetter& letter) override { return model().park_letter(letter); }
  Status remove(const DeadLetter& letter) override { return model().remove_letter(letter); }
  Status keep(const DeadLetter& letter) override { return model().keep_letter(letter); }

 private:
  ReadModel& model() { return *parts_.model; }
  TxImpl& tx() { return parts_.model->tx(); }

  ReadModelSinkParts parts_;
};

}  // namespace

std::unique_ptr<DeliverySink> make_read_model_sink(ReadModelSinkParts parts) {
  return std::make_unique<ReadModelSink>(std::move(parts));
}

}  // namespace es::detail

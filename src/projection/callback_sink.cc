#include "projection/delivery_sink.h"

namespace es::detail {
namespace {

class CallbackSink final : public DeliverySink {
 public:
  CallbackSink(EventHandler handler, DeadLetterStore& letters, std::string subscription)
      : handler_(std::move(handler)), letters_(letters), subscription_(std::move(subscription)) {}

  [[nodiscard]] bool transactional() const override { return false; }
  Status begin() override { return Status::ok(); }
  Status handle(const RecordedEvent& event) override { return handler_(event); }
  Status commit(std::optional<Position> /*to*/) override { return Status::ok(); }
  void rollback() override {}

  Result<std::vector<DeadLetter>> letters() override { return letters_.list(subscription_); }
  Status park(const DeadLetter& letter) override { return letters_.park(letter); }
  Status remove(const DeadLetter& letter) override { return letters_.remove(letter); }
  Status keep(const DeadLetter& letter) override { return letters_.keep(letter); }

 private:
  EventHandler handler_;
  DeadLetterStore& letters_;
  std::string subscription_;
};

}  // namespace

std::unique_ptr<DeliverySink> make_callback_sink(EventHandler handler, DeadLetterStore& letters,
                                                 std::string subscription) {
  return std::make_unique<CallbackSink>(std::move(handler), letters, std::move(subscription));
}

}  // namespace es::detail

#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "bus/nats/nats_connection.h"
#include "es/bus/envelope.h"
#include "es/bus/nats.h"

namespace es {
namespace {

struct MsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
using Message = std::unique_ptr<natsMsg, MsgDeleter>;

// A header value cannot hold a line break; compact JSON never does outside its strings.
std::string header_safe(const std::string& value, std::string_view field) {
  if (value.find_first_of("\r\n") == std::string::npos) return value;
  if (field == kEnvelopeMetadata) return nlohmann::json::parse(value).dump();
  return value;
}

class NatsPublisher final : public Publisher {
 public:
  explicit NatsPublisher(const BusUrl& url) : connection_(url, &NatsPublisher::on_error, this) {}

 protected:
  // Every message of the batch in flight at once, then one wait for all acknowledgements. Each
  // message after the first expects the one before it to be the stream's last (the server's
  // Nats-Expected-Last-Msg-Id check): when the server refuses one, it refuses every later one
  // too, so only a prefix of the batch is stored and the republish keeps the order (its copies
  // of the stored ones are dropped as duplicates by Nats-Msg-Id).
  Status do_publish(std::span<const RecordedEvent> events) override {
    ES_RETURN_IF_ERROR(connection_.connect());
    failures_ = 0;
    std::string previous_id;
    for (const RecordedEvent& event : events) {
      natsMsg* raw = nullptr;
      natsStatus s = natsMsg_Create(&raw, connection_.url().target.c_str(), nullptr,
                                    event.data.data(), static_cast<int>(event.data.size()));
      if (s != NATS_OK) return connection_.lost("creating a message", s);
      Message message(raw);
      for (const auto& [field, value] : envelope_fields(event)) {
        if (field == kEnvelopeData || (field == kEnvelopeTenant && value.empty())) continue;
        const std::string header = detail::nats_header(field);
        const std::string safe = header_safe(value, field);
        if (field == kEnvelopeId) natsMsgHeader_Set(message.get(), "Nats-Msg-Id", safe.c_str());
        natsMsgHeader_Set(message.get(), header.c_str(), safe.c_str());
      }
      if (!previous_id.empty()) {
        natsMsgHeader_Set(message.get(), "Nats-Expected-Last-Msg-Id", previous_id.c_str());
      }
      previous_id = event.id.to_string();
      natsMsg* sent = message.release();
      s = js_PublishMsgAsync(connection_.jetstream(), &sent, nullptr);
      if (s != NATS_OK) {
        natsMsg_Destroy(sent);  // null when the library took it
        return connection_.lost("publishing", s);
      }
    }
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = detail::kNatsWaitMs;
    if (natsStatus s = js_PublishAsyncComplete(connection_.jetstream(), &wait); s != NATS_OK) {
      natsMsgList pending;
      if (js_PublishAsyncGetPendingList(&pending, connection_.jetstream()) == NATS_OK) {
        natsMsgList_Destroy(&pending);
      }
      return connection_.lost("waiting for acknowledgements", s);
    }
    if (failures_ > 0) {
      return connection_.lost(fmt::format("{} of {} publishes", failures_.load(), events.size()),
                              NATS_ERR);
    }
    return Status::ok();
  }

  [[nodiscard]] std::string do_destination() const override {
    return connection_.url().to_string();
  }

 public:
  // The library's callback for a message the server refused or never acknowledged.
  static void on_error(jsCtx* /*js*/, jsPubAckErr* /*error*/, void* closure) {
    ++static_cast<NatsPublisher*>(closure)->failures_;
  }

 private:
  detail::NatsConnection connection_;
  std::atomic<std::size_t> failures_ = 0;
};

}  // namespace

Result<std::unique_ptr<Publisher>> make_nats_publisher(const BusUrl& url) {
  if (url.scheme != "nats" || url.target.empty()) {
    return Status::invalid_argument("make_nats_publisher needs nats://HOST:PORT/SUBJECT, not '" +
                                    url.to_string() + "'");
  }
  return std::unique_ptr<Publisher>(std::make_unique<NatsPublisher>(url));
}

}  // namespace es

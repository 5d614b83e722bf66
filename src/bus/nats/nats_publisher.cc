#include <fmt/format.h>

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
  explicit NatsPublisher(const BusUrl& url) : connection_(url) {}

 protected:
  // Every message but the last goes out as a plain core NATS publish (no reply subject, no
  // acknowledgement); the last one as a JetStream publish whose acknowledgement is awaited. Each
  // message after the first carries Nats-Expected-Last-Msg-Id = the event id before it, and the
  // server stores one only while that id is the stream's last (it checks for a duplicate
  // Nats-Msg-Id first). So an acknowledged last message proves the whole batch is stored, in
  // order: the one before it was the stream's last, and so on back to the first. A message lost
  // or refused anywhere makes every later one fail its check, the last acknowledgement is an
  // error, and the republish keeps the order (its copies of the stored prefix are acknowledged
  // as duplicates). The first message expects nothing: the relay sends a batch only after the one
  // before it was acknowledged, which covers the boundary, and a restarted relay republishing
  // from its checkpoint cannot know the stream's last id.
  Status do_publish(std::span<const RecordedEvent> events) override {
    ES_RETURN_IF_ERROR(connection_.connect());
    std::string previous_id;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const Message message = make_message(events[i], previous_id);
      if (!message) return connection_.lost("creating a message", NATS_NO_MEMORY);
      previous_id = events[i].id.to_string();
      if (i + 1 < events.size()) {
        if (natsStatus s = natsConnection_PublishMsg(connection_.connection(), message.get());
            s != NATS_OK) {
          return connection_.lost("publishing", s);
        }
        continue;
      }
      jsPubOptions wait;
      jsPubOptions_Init(&wait);
      wait.MaxWait = detail::kNatsWaitMs;
      jsPubAck* ack = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus s = js_PublishMsg(&ack, connection_.jetstream(), message.get(), &wait, &code);
      jsPubAck_Destroy(ack);
      if (s != NATS_OK) {
        return connection_.lost(fmt::format("publishing a batch of {}", events.size()), s, code);
      }
    }
    return Status::ok();
  }

  [[nodiscard]] std::string do_destination() const override {
    return connection_.url().to_string();
  }

 private:
  // The message of `event` on the subject, expecting `previous_id` as the stream's last unless
  // that is empty; null when out of memory (natsMsg_Create fails on nothing else here).
  [[nodiscard]] Message make_message(const RecordedEvent& event,
                                     const std::string& previous_id) const {
    natsMsg* raw = nullptr;
    if (natsMsg_Create(&raw, connection_.url().target.c_str(), nullptr, event.data.data(),
                       static_cast<int>(event.data.size())) != NATS_OK) {
      return nullptr;
    }
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
    return message;
  }

  detail::NatsConnection connection_;
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

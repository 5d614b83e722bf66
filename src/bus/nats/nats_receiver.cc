#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "bus/nats/nats_connection.h"
#include "es/bus/envelope.h"
#include "es/bus/nats.h"

namespace es {
namespace {

// The consumer's bound on delivered, unacknowledged messages, and so on one fetch. It must be
// set: libnats leaves out -1 ("none"), and the server's default of 1,000 kept every pull for
// more waiting until its expiry.
constexpr std::int64_t kMaxAckPending = std::int64_t{1} << 20;

struct MsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
struct SubscriptionDeleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};

class NatsReceiver final : public Receiver {
 public:
  NatsReceiver(const BusUrl& url, std::string name) : connection_(url), name_(std::move(name)) {}

 protected:
  // Waits up to `wait` for one message, then takes as many more as the consumer held behind it
  // (the message's NumPending). A pull for more messages than the consumer holds is kept by the
  // server until the wait ran out, NoWait or not (nats-server 2.9 with Expires set), so each pull
  // asks for no more than are there.
  Result<std::vector<RecordedEvent>> do_fetch(std::size_t max_count,
                                              std::chrono::milliseconds wait) override {
    ES_RETURN_IF_ERROR(ready());
    std::vector<RecordedEvent> events;
    ES_RETURN_IF_ERROR(pull(1, wait, events));
    if (events.empty() || max_count == 1) return events;
    const std::size_t behind = std::min<std::uint64_t>(
        {max_count - 1, pending_behind(last_.get()), std::uint64_t{kMaxAckPending} - 1});
    if (behind > 0) ES_RETURN_IF_ERROR(pull(behind, wait, events));
    return events;
  }

  // AckAll: acknowledging the last message acknowledges everything before it.
  Status do_ack() override {
    if (!last_) return Status::ok();
    jsErrCode code = static_cast<jsErrCode>(0);
    if (natsStatus s = natsMsg_AckSync(last_.get(), nullptr, &code); s != NATS_OK) {
      return lost("acknowledging", s, code);
    }
    last_.reset();
    return Status::ok();
  }

  [[nodiscard]] std::string do_source() const override {
    return connection_.url().to_string() + " (durable " + name_ + ")";
  }

 private:
  // Connected, with the durable consumer set to resume right after its acknowledgement floor.
  Status ready() {
    if (connection_.connected() && subscription_) return Status::ok();
    subscription_.reset();
    last_.reset();
    ES_RETURN_IF_ERROR(connection_.connect());
    jsCtx* js = connection_.jetstream();
    const char* stream = connection_.stream().c_str();
    std::uint64_t start = 1;
    jsConsumerInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetConsumerInfo(&info, js, stream, name_.c_str(), nullptr, &code);
    if (s == NATS_OK) {
      start = info->AckFloor.Stream + 1;
      jsConsumerInfo_Destroy(info);
      // Recreated rather than resumed: the server would hand out newer messages before it
      // redelivers the unacknowledged ones, and the inbox needs each stream in order.
      s = js_DeleteConsumer(js, stream, name_.c_str(), nullptr, &code);
      if (s != NATS_OK) return lost("resetting the durable consumer", s, code);
    } else if (s != NATS_NOT_FOUND) {
      return lost("looking up the durable consumer", s, code);
    }
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream;
    options.ManualAck = true;
    options.Config.Durable = name_.c_str();
    options.Config.AckPolicy = js_AckAll;
    options.Config.DeliverPolicy = js_DeliverByStartSequence;
    options.Config.OptStartSeq = start;
    options.Config.MaxAckPending = kMaxAckPending;
    natsSubscription* subscription = nullptr;
    s = js_PullSubscribe(&subscription, js, connection_.url().target.c_str(), name_.c_str(),
                         nullptr, &options, &code);
    if (s != NATS_OK) return lost("subscribing the durable consumer", s, code);
    subscription_.reset(subscription);
    return Status::ok();
  }

  // Appends up to `count` messages to `events`; none is ok. `wait` bounds the request.
  Status pull(std::size_t count, std::chrono::milliseconds wait,
              std::vector<RecordedEvent>& events) {
    jsFetchRequest request;
    jsFetchRequest_Init(&request);
    request.Batch = static_cast<int>(count);
    request.Expires = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    natsMsgList list{};
    const natsStatus s = natsSubscription_FetchRequest(&list, subscription_.get(), &request);
    if (s == NATS_TIMEOUT || s == NATS_NOT_FOUND) return Status::ok();
    if (s != NATS_OK) return lost("fetching", s, static_cast<jsErrCode>(0));
    Status status;
    for (int i = 0; i < list.Count; ++i) {
      std::unique_ptr<natsMsg, MsgDeleter> message(list.Msgs[i]);
      list.Msgs[i] = nullptr;
      if (status.is_ok()) status = decode(message.get(), events);
      last_ = std::move(message);
    }
    natsMsgList_Destroy(&list);
    return status;
  }

  // How many messages the consumer held behind `message` when it was delivered; 0 when unknown.
  static std::uint64_t pending_behind(natsMsg* message) {
    jsMsgMetaData* meta = nullptr;
    if (message == nullptr || natsMsg_GetMetaData(&meta, message) != NATS_OK) return 0;
    const std::uint64_t pending = meta->NumPending;
    jsMsgMetaData_Destroy(meta);
    return pending;
  }

  Status lost(std::string_view what, natsStatus s, jsErrCode code) {
    subscription_.reset();
    last_.reset();
    return connection_.lost(what, s, code);
  }

  Status decode(natsMsg* message, std::vector<RecordedEvent>& events) {
    const char* data = natsMsg_GetData(message);
    const std::string_view payload(data == nullptr ? "" : data,
                                   static_cast<std::size_t>(natsMsg_GetDataLength(message)));
    auto event =
        event_from_envelope([&](std::string_view field) -> std::optional<std::string_view> {
          if (field == kEnvelopeData) return payload;
          const char* value = nullptr;
          if (natsMsgHeader_Get(message, detail::nats_header(field).c_str(), &value) != NATS_OK ||
              value == nullptr) {
            return std::nullopt;
          }
          return std::string_view(value);
        });
    if (!event) {
      return Status::invalid_argument(fmt::format(
          "nats message on '{}': {}", connection_.url().target, event.error().message()));
    }
    events.push_back(std::move(*event));
    return Status::ok();
  }

  detail::NatsConnection connection_;
  const std::string name_;
  std::unique_ptr<natsSubscription, SubscriptionDeleter> subscription_;
  std::unique_ptr<natsMsg, MsgDeleter> last_;  // the newest fetched, not yet acknowledged
};

}  // namespace

Result<std::unique_ptr<Receiver>> make_nats_receiver(const BusUrl& url, std::string name) {
  if (url.scheme != "nats" || url.target.empty()) {
    return Status::invalid_argument("make_nats_receiver needs nats://HOST:PORT/SUBJECT, not '" +
                                    url.to_string() + "'");
  }
  if (name.empty()) return Status::invalid_argument("a nats receiver needs a durable name");
  return std::unique_ptr<Receiver>(std::make_unique<NatsReceiver>(url, std::move(name)));
}

}  // namespace es

// NatsConnection: one connection to a NATS server with its JetStream context, opened on first
// use (creating the subject's stream if missing) and dropped after any failure so that the next
// call reconnects. The library's own reconnection is off: a lost server is a failed call.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string>
#include <string_view>

#include "es/bus/bus_url.h"
#include "es/core/status.h"

namespace es::detail {

// How long a publish acknowledgement, fetch reply or API call may take.
inline constexpr std::int64_t kNatsWaitMs = 5000;

class NatsConnection {
 public:
  explicit NatsConnection(BusUrl url);

  // Connects unless connected, and makes sure the stream exists.
  Status connect();
  [[nodiscard]] bool connected() const;
  void disconnect();

  // kUnavailable naming `what`, the status and the server; disconnects.
  Status lost(std::string_view what, natsStatus status, jsErrCode code = static_cast<jsErrCode>(0));

  [[nodiscard]] natsConnection* connection() const { return connection_.get(); }
  [[nodiscard]] jsCtx* jetstream() const { return js_.get(); }
  [[nodiscard]] const BusUrl& url() const { return url_; }
  [[nodiscard]] const std::string& stream() const { return stream_; }

 private:
  struct ConnectionDeleter {
    void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
  };
  struct ContextDeleter {
    void operator()(jsCtx* js) const { jsCtx_Destroy(js); }
  };
  Status ensure_stream();

  BusUrl url_;
  std::string stream_;
  std::unique_ptr<natsConnection, ConnectionDeleter> connection_;
  std::unique_ptr<jsCtx, ContextDeleter> js_;
};

// The header of envelope field `field`: "es-<field>".
std::string nats_header(std::string_view field);

}  // namespace es::detail

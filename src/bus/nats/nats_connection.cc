#include "bus/nats/nats_connection.h"

#include <fmt/format.h>

namespace es::detail {
namespace {

std::string stream_name(std::string_view subject) {
  std::string name = "ES_";
  for (char c : subject) name += (c == '.' || c == '*' || c == '>' || c == ' ') ? '_' : c;
  return name;
}

struct OptionsDeleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};

}  // namespace

std::string nats_header(std::string_view field) { return "es-" + std::string(field); }

NatsConnection::NatsConnection(BusUrl url)
    : url_(std::move(url)), stream_(stream_name(url_.target)) {}

bool NatsConnection::connected() const {
  return connection_ && !natsConnection_IsClosed(connection_.get());
}

void NatsConnection::disconnect() {
  js_.reset();
  connection_.reset();
}

Status NatsConnection::lost(std::string_view what, natsStatus status, jsErrCode code) {
  disconnect();
  return Status::unavailable(fmt::format(
      "nats at {}:{}: {} failed: {}{}", url_.host, url_.port, what, natsStatus_GetText(status),
      code == 0 ? "" : fmt::format(" (JetStream error {})", static_cast<int>(code))));
}

Status NatsConnection::connect() {
  if (connected()) return Status::ok();
  disconnect();
  natsOptions* raw = nullptr;
  if (natsOptions_Create(&raw) != NATS_OK) return Status::unavailable("nats: out of memory");
  std::unique_ptr<natsOptions, OptionsDeleter> options(raw);
  const std::string server = fmt::format("nats://{}:{}", url_.host, url_.port);
  natsOptions_SetURL(options.get(), server.c_str());
  natsOptions_SetAllowReconnect(options.get(), false);
  natsOptions_SetTimeout(options.get(), kNatsWaitMs);
  natsConnection* connection = nullptr;
  if (natsStatus s = natsConnection_Connect(&connection, options.get()); s != NATS_OK) {
    return lost("connecting", s);
  }
  connection_.reset(connection);
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = kNatsWaitMs;
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, connection_.get(), &js_options); s != NATS_OK) {
    return lost("opening JetStream", s);
  }
  js_.reset(js);
  return ensure_stream();
}

Status NatsConnection::ensure_stream() {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, js_.get(), stream_.c_str(), nullptr, &code);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return Status::ok();
  }
  if (s != NATS_NOT_FOUND) return lost("looking up stream " + stream_, s, code);
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = stream_.c_str();
  const char* subjects[] = {url_.target.c_str()};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  s = js_AddStream(&info, js_.get(), &config, nullptr, &code);
  if (s != NATS_OK) return lost("creating stream " + stream_, s, code);
  jsStreamInfo_Destroy(info);
  return Status::ok();
}

}  // namespace es::detail

#include "es/store/log_tracer.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "es/core/time.h"

namespace es {
namespace {

using Json = nlohmann::ordered_json;

class LogSpan final : public Span {
 public:
  LogSpan(LogTracer& tracer, const SpanStart& start)
      : tracer_(tracer),
        began_(now()),
        clock_(std::chrono::steady_clock::now()),
        operation_(start.operation),
        stream_(start.stream),
        streams_(start.streams),
        self_(start.parent ? start.parent->child() : Traceparent::root()) {
    if (start.parent) parent_ = start.parent->span_id_hex();
  }

  void end(const Status& status, std::uint64_t events) override {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - clock_)
                            .count();
    Json line = {{"time", format_time(began_)}, {"operation", operation_}};
    if (!stream_.empty()) line["stream"] = stream_;
    line["streams"] = streams_;
    line["events"] = events;
    line["micros"] = micros;
    line["status"] = status.is_ok() ? std::string_view("ok") : status_code_name(status.code());
    if (!status.is_ok()) line["message"] = status.message();
    line["trace_id"] = self_.trace_id_hex();
    line["span_id"] = self_.span_id_hex();
    if (!parent_.empty()) line["parent_id"] = parent_;
    tracer_.write_line(line.dump(-1, ' ', false, Json::error_handler_t::replace));
  }

 private:
  LogTracer& tracer_;
  Timestamp began_;
  std::chrono::steady_clock::time_point clock_;
  std::string operation_;
  std::string stream_;
  std::uint64_t streams_;
  Traceparent self_;
  std::string parent_;
};

}  // namespace

Result<std::shared_ptr<LogTracer>> LogTracer::open(const std::string& path) {
  std::FILE* out = std::fopen(path.c_str(), "ae");
  if (out == nullptr) {
    return Status::unavailable("trace log '" + path + "': " + std::strerror(errno));
  }
  auto tracer = std::make_shared<LogTracer>(out);
  tracer->owned_.reset(out);
  return tracer;
}

std::unique_ptr<Span> LogTracer::start(const SpanStart& start) {
  return std::make_unique<LogSpan>(*this, start);
}

void LogTracer::write_line(std::string_view line) {
  std::string whole(line);
  whole += '\n';
  const std::lock_guard lock(mutex_);
  std::fwrite(whole.data(), 1, whole.size(), out_);
  std::fflush(out_);
}

}  // namespace es

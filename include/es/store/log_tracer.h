// LogTracer: a Tracer (es/store/tracing.h) that writes each traced operation as one JSON line, a
// structured log of what the store did; `es --trace-log FILE` uses it.
//
//   {"time":"2026-12-01T17:50:00.123456Z","operation":"append","stream":"order-1","streams":1,
//    "events":2,"micros":183,"status":"ok","trace_id":"4bf9…","span_id":"a3ce…",
//    "parent_id":"00f0…"}
//
// - time: when the operation began (UTC); micros: how long it took.
// - status: "ok", or the code's name (es::status_code_name) followed by "message".
// - trace_id and span_id: the operation's own span, a child of the append's traceparent (whose
//   span is parent_id) when its events carry one, else the root of a new trace.
// - stream and parent_id are left out when empty.
//
// Thread safety: spans may end on any number of threads at once; each line is written whole.
//
//   auto tracer = es::LogTracer::open("store-trace.ndjson");
//   auto store = es::trace_store(std::move(*es::open("events.db")), std::move(*tracer));
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/tracing.h"

namespace es {

class LogTracer final : public Tracer {
 public:
  // Appends to the file at `path`, creating it; kUnavailable naming the path when it cannot be
  // opened.
  static Result<std::shared_ptr<LogTracer>> open(const std::string& path);
  // Writes to `out` (such as stderr), which must stay open while the tracer lives.
  explicit LogTracer(std::FILE* out) : out_(out) {}

  std::unique_ptr<Span> start(const SpanStart& start) override;

  // Writes `line` and a newline at once, and flushes them (what its spans call).
  void write_line(std::string_view line);

 private:
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };

  std::mutex mutex_;
  std::FILE* out_;
  std::unique_ptr<std::FILE, Close> owned_;  // out_, when open() opened it
};

}  // namespace es

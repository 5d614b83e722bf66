// The tracing and metrics hook (DESIGN §11): trace_store() puts a handle in front of a store that
// reports every operation to a Tracer as a span — which operation, on which stream, how many
// events it wrote or read, how it ended — so an application can feed OpenTelemetry, its metrics
// or a structured log (es/store/log_tracer.h) without the backends knowing.
//
// - A span starts on the calling thread as the operation begins and ends, once, as it returns.
//   Operations: "append" (stream = the first of the batch), "import", "read_stream", "read_all"
//   (one span per page a hook reads: visit_all and subscriptions make several), "stream_info",
//   "list_streams", "stats", "delete_stream", "tombstone_stream", "set_retention" and "verify".
//   head_position() and the waits of wait_for_append() are not traced: subscriptions poll them.
// - An append's span gets the W3C trace context of the first of its events whose metadata has a
//   valid "traceparent" (es::CommandContext writes it), so the store's span joins the trace of
//   the request that caused the events.
// - A tracer that wants no span returns nullptr; the handle then adds a branch and nothing else.
//   The handle changes no result: the operation's status and values pass through unchanged.
//
// Thread safety: as the store's; Tracer::start and Span::end are called from any thread that
// calls the store, concurrently, so a tracer must be thread-safe.
//
//   auto tracer = std::make_shared<MyTracer>();
//   auto store = es::trace_store(std::move(*es::open("events.db")), tracer);
//   (*store)->append("order-1", es::ExpectedVersion::any(), events);  // MyTracer sees "append"
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "es/core/result.h"
#include "es/core/status.h"
#include "es/core/traceparent.h"
#include "es/store/event_store.h"

namespace es {

// What an operation is, as it starts. The views live until the span ends.
struct SpanStart {
  std::string_view operation;  // one of the names above
  std::string_view stream;     // the stream, or the batch's first; empty for store-wide ones
  std::uint64_t streams = 0;   // streams an append or import writes to; 1 for one stream, else 0
  std::optional<Traceparent> parent;  // an append's trace context from its events' metadata
};

// One operation in flight.
class Span {
 public:
  Span() = default;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  virtual ~Span() = default;

  // Called once, as the operation returns: its status and the events it appended, imported or
  // read (0 for the others).
  virtual void end(const Status& status, std::uint64_t events) = 0;
};

class Tracer {
 public:
  Tracer() = default;
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;
  virtual ~Tracer() = default;

  // Called as an operation begins; nullptr traces nothing of it.
  virtual std::unique_ptr<Span> start(const SpanStart& start) = 0;
};

// A handle on `store` that reports to `tracer`; `store` must outlive it. kInvalidArgument for a
// null tracer.
Result<std::unique_ptr<EventStore>> trace_store(EventStore& store, std::shared_ptr<Tracer> tracer);
// As above, owning `store`.
Result<std::unique_ptr<EventStore>> trace_store(std::unique_ptr<EventStore> store,
                                                std::shared_ptr<Tracer> tracer);

}  // namespace es

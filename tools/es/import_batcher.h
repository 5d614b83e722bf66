// ImportBatcher: turns the lines of an import into few, large appends while keeping the global
// order of the file.
//
// A batch commits its requests in order and each request's events together, so consecutive
// lines become one batch as long as a stream's lines are contiguous in it: a line joins the last
// request when it is the same stream and its expected version follows from that request's, else
// it opens a new request, and a stream already in the batch (or a full batch) sends the batch
// first. When a batch fails, it is appended again request by request and then event by event, so
// that every line before the first failing one is imported and the error names that line (and
// an import resumed after a partial run re-appends stored events idempotently, by id).
//
// Thread safety: none; one importer per batcher.
//
//   ImportBatcher batcher(store);
//   for (each line) if (Status s = batcher.add(std::move(event), line_number); !s.ok()) ...
//   Status s = batcher.flush();
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "es/store/event_store.h"
#include "input_event.h"

namespace es::cli {

struct BatchLimits {
  std::size_t max_events = 1000;                  // events per append call
  std::size_t max_bytes = std::size_t{16} << 20;  // data + metadata bytes per append call
};

class ImportBatcher {
 public:
  explicit ImportBatcher(EventStore& store, BatchLimits limits = {});

  // Queues the event of line `line` (its stream must be set); may append the queued batch first.
  Status add(InputEvent in, std::uint64_t line);
  // Appends whatever is queued.
  Status flush();

  // Events appended (or found already stored at their place) so far.
  [[nodiscard]] std::uint64_t imported() const { return imported_; }
  // Append calls made so far.
  [[nodiscard]] std::uint64_t appends() const { return appends_; }

 private:
  struct Request {
    std::string stream;
    std::string tenant;
    std::optional<std::int64_t> base;  // the stream's version before this request, when known
    std::vector<EventData> events;
    std::vector<ExpectedVersion> expected;  // per event, as its line asked
    std::vector<std::uint64_t> lines;
  };

  [[nodiscard]] bool joins_last(const std::string& stream, const std::string& tenant,
                                ExpectedVersion expected) const;
  Status append(std::span<const Request> requests);
  Status append_events_one_by_one(const Request& request);

  EventStore& store_;
  BatchLimits limits_;
  std::vector<Request> queue_;
  std::unordered_set<std::string> queued_streams_;
  std::size_t queued_events_ = 0;
  std::size_t queued_bytes_ = 0;
  std::uint64_t imported_ = 0;
  std::uint64_t appends_ = 0;
};

}  // namespace es::cli

// PageReader: reads the global feed for a subscription page by page, and while catching up reads
// the next page on a thread of its own as the caller delivers the current one — so on a busy
// store the reads overlap the handler's work (and its commits) instead of adding to them.
//
// Each page comes with a lower bound of the store's head at the time of the read, for lag. The
// next page always starts at the previous page's `next`; a page that reached the head is not read
// ahead (the caller waits for appends and asks again).
//
// Thread safety: one caller thread; the read-ahead thread only touches the buffer it fills.
#pragma once

#include <array>
#include <future>

#include "es/core/status.h"
#include "es/store/event_store.h"

namespace es::detail {

class PageReader {
 public:
  struct Page {
    AllSlice slice;
    Position head;  // read before the page, so at most the head the page saw
  };

  PageReader(EventStore& store, ReadAllOptions read) : store_(store), read_(std::move(read)) {}
  PageReader(const PageReader&) = delete;
  PageReader& operator=(const PageReader&) = delete;
  ~PageReader();

  // The page after the previous one (after ReadAllOptions::from at first). The page stays valid,
  // and may be modified, until the next call.
  Result<Page*> next();
  // Where the next page starts.
  [[nodiscard]] Position from() const { return read_.from; }

 private:
  // Reads the page at `from` into `page`; runs on either thread.
  Status read(Position from, Page& page) const;

  EventStore& store_;
  ReadAllOptions read_;
  std::array<Page, 2> pages_;
  std::size_t current_ = 0;    // the buffer handed out last
  std::future<Status> ahead_;  // fills the other buffer while valid
};

}  // namespace es::detail

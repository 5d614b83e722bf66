// Verification on two cores: a backend's reading (its driver, the kernel) runs on a thread of
// its own and fills pages of rows, while the calling thread hands them to ChainScan, which
// hashes. Profiled on SQLite, reading and hashing each took about half of a verify.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/status.h"
#include "store/chain_scan.h"

namespace es::detail {

// Rows of the scan as the reading thread copied them, their bytes in one buffer so refilling a
// page allocates nothing.
struct ChainPage;

// What the reading thread feeds, in ChainScan's order.
class ChainFeed {
 public:
  ChainFeed();
  ChainFeed(const ChainFeed&) = delete;
  ChainFeed& operator=(const ChainFeed&) = delete;
  ~ChainFeed();

  void head(std::string_view stream, std::int64_t version, std::string_view last_hash);
  void event(const ChainFields& fields, std::string_view stored_hash);

 private:
  friend Status scan_with_read_ahead(ChainScan& scan,
                                     const std::function<Status(ChainFeed&)>& read);
  // Hands the page being filled to the scanning thread; waits for an empty one.
  void hand_over(bool last);
  // The next filled page, or null at the end; `done` returns the previous one for refilling.
  ChainPage* next(ChainPage* done);
  void stop();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<ChainPage>> pages_;
  std::vector<ChainPage*> empty_;
  std::vector<ChainPage*> filled_;  // in scan order
  ChainPage* filling_ = nullptr;
  bool finished_ = false;  // the reader handed over its last page
  bool stopped_ = false;   // the scanning thread gave up: the reader drops the rest
};

// Runs `read` on a new thread with a ChainFeed, and feeds `scan` what it read, in order, on this
// one. Returns `read`'s status.
Status scan_with_read_ahead(ChainScan& scan, const std::function<Status(ChainFeed&)>& read);

}  // namespace es::detail

// Appending on two cores: while a writer stores a long request's events one by one, a thread of
// its own computes their chain hashes ahead of it (hashing was about half of what the chain cost
// on W2). The writer takes each hash the thread already has and computes the others itself, so a
// thread that is slow to wake on a busy machine costs at most the work it would have saved: the
// writer never waits for a hash.
//
//   ChainAhead ahead;
//   {
//     ChainAhead::Run run = ahead.start(row.last_hash, events.size(), fields_of_event);
//     for (std::size_t i = 0; i < events.size(); ++i) store(events[i], run.next());
//   }  // the Run's end waits until the thread no longer reads the events
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/hash_chain.h"

namespace es::detail {

class ChainAhead {
 public:
  // Event i's fields; what they view must stay valid until the Run using them is destroyed.
  using FieldsOf = std::function<ChainFields(std::size_t)>;

  // Requests with fewer events are hashed by the writer alone: waking the thread would cost
  // more than it saves.
  static constexpr std::size_t kMinEvents = 16;

  ChainAhead() = default;
  ChainAhead(const ChainAhead&) = delete;
  ChainAhead& operator=(const ChainAhead&) = delete;
  ~ChainAhead();

  // The hashes of one request's events, in order. At most one Run per ChainAhead at a time.
  class Run {
   public:
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    Run(Run&&) = delete;
    Run& operator=(Run&&) = delete;
    ~Run();

    // The hash of the next event: the thread's when it has it, else computed here.
    ChainHash next();

   private:
    friend class ChainAhead;
    Run(ChainAhead* ahead, const ChainHash& previous, std::size_t count, FieldsOf fields);

    ChainAhead* ahead_;  // null when this thread hashes alone
    ChainHash previous_;
    std::size_t next_ = 0;
    FieldsOf fields_;
  };

  // Starts hashing `count` events after `previous`; the thread starts on the first long request.
  Run start(const ChainHash& previous, std::size_t count, FieldsOf fields);

 private:
  enum State : int { kIdle, kPosted, kRunning, kDone };

  void loop();
  // Takes the posted job back from the thread, waiting for it if it is hashing.
  void finish();

  std::mutex mutex_;  // guards posting a job and quit_
  std::condition_variable posted_;
  bool quit_ = false;
  std::atomic<int> state_{kIdle};
  std::atomic<bool> cancel_{false};
  // The job: read by the thread only between kPosted and kDone.
  ChainHash previous_{};
  std::size_t count_ = 0;
  const FieldsOf* fields_ = nullptr;
  std::vector<ChainHash> hashes_;
  alignas(64) std::atomic<std::size_t> ready_{0};  // hashes_[0, ready_) are computed
  std::thread thread_;
};

}  // namespace es::detail

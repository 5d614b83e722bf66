// ChildProcess: runs the sqlite_append_child helper with its stdout on a pipe, so a test can
// read the appends it acknowledged, kill it, and wait for it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace es::testing {

// One acknowledged append, as the child reported it.
struct ChildAck {
  std::string stream;
  std::int64_t version = 0;
  std::string id;
  std::string position;
};

class ChildProcess {
 public:
  // Starts sqlite_append_child with `args` (DB NAME ROUNDS SYNC).
  explicit ChildProcess(const std::vector<std::string>& args);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Reads what the child wrote; blocks for at most `timeout`. Returns false at end of output.
  bool read_some(std::chrono::milliseconds timeout);
  // Reads until the child closes its output.
  void read_to_end();
  // Complete lines read so far, as written and parsed.
  [[nodiscard]] std::vector<std::string> lines() const;
  [[nodiscard]] std::vector<ChildAck> acks() const;
  [[nodiscard]] std::size_t complete_lines() const;

  void kill_hard();
  // Waits for the child; returns its exit status, or 128 + signal when it was killed.
  int wait();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

}  // namespace es::testing

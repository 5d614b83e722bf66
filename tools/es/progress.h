// A one-line progress bar on stderr for long work (export, import). It draws only when stderr is
// a terminal, so pipes and logs never see it; redraws at most ten times a second.
//
//   ProgressBar bar("export", total_events);
//   bar.update(done, done);   // work done in units of the total, events so far
//   bar.finish();
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace es::cli {

class ProgressBar {
 public:
  // `total` is in the unit of update()'s `done` (events, bytes); 0 when unknown.
  ProgressBar(std::string label, std::uint64_t total);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { finish(); }

  void update(std::uint64_t done, std::uint64_t events);
  // Draws the final state and ends the line; later calls do nothing.
  void finish();

 private:
  void draw();

  bool enabled_;
  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::uint64_t events_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace es::cli

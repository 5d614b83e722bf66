#include "progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace es::cli {
namespace {

constexpr int kWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

}  // namespace

ProgressBar::ProgressBar(std::string label, std::uint64_t total)
    : enabled_(isatty(STDERR_FILENO) != 0),
      label_(std::move(label)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(std::uint64_t done, std::uint64_t events) {
  if (!enabled_) return;
  done_ = done;
  events_ = events;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::finish() {
  if (!enabled_) return;
  draw();
  fmt::print(stderr, "\n");
  enabled_ = false;
}

void ProgressBar::draw() {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  const double rate = elapsed.count() > 0 ? static_cast<double>(events_) / elapsed.count() : 0.0;
  std::string line = fmt::format("\r{} ", label_);
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const auto filled = static_cast<int>(fraction * kWidth);
    line +=
        fmt::format("[{}{}] {:3.0f}% ", std::string(static_cast<std::size_t>(filled), '#'),
                    std::string(static_cast<std::size_t>(kWidth - filled), '.'), fraction * 100);
  }
  line += fmt::format("{} events  {:.0f}/s  {:.1f}s\x1b[K", events_, rate, elapsed.count());
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace es::cli

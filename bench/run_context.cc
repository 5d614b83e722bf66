#include "run_context.h"

#include <algorithm>
#include <cmath>

#include "es/domain/json_codec.h"

namespace es::bench {
namespace {

constexpr std::size_t kPayloadBytes = 200;
constexpr double kPrice = 19.99;

ItemAdded make_item(std::string_view stream, std::uint64_t seq, std::string note) {
  return {.stream = std::string(stream),
          .seq = static_cast<std::int64_t>(seq),
          .sku = "SKU-" + std::to_string(seq % 997),
          .qty = item_qty(seq),
          .price = kPrice,
          .note = std::move(note)};
}

const std::string& note() {
  static const std::string padding = [] {
    const std::size_t bare = json_encode(make_item("w1-000", 10, "")).size();
    return std::string(bare < kPayloadBytes ? kPayloadBytes - bare : 0, 'x');
  }();
  return padding;
}

}  // namespace

std::uint64_t scaled(const RunContext& ctx, std::uint64_t count, std::uint64_t minimum) {
  const auto n = static_cast<std::uint64_t>(std::llround(static_cast<double>(count) * ctx.scale));
  return std::max(n, minimum);
}

ItemAdded item_added(std::string_view stream, std::uint64_t seq) {
  return make_item(stream, seq, note());
}

std::string item_data(std::string_view stream, std::uint64_t seq) {
  return json_encode(item_added(stream, seq));
}

EventData item_event(std::string_view stream, std::uint64_t seq) {
  EventData event;
  event.type = "ItemAdded";
  event.data = item_data(stream, seq);
  event.metadata = "{}";
  return event;
}

Result<std::vector<ItemCart::EventVariant>> ItemCart::decide(const Command& command,
                                                             const State& state) {
  if (command.first_seq != state.last_seq + 1) {
    return Status::rejected("items must continue the sequence");
  }
  std::vector<EventVariant> events;
  for (std::int64_t seq = command.first_seq; seq < command.first_seq + command.count; ++seq) {
    events.emplace_back(item_added(command.stream, static_cast<std::uint64_t>(seq)));
  }
  return events;
}

double percentile(std::vector<double>& micros, double q) {
  if (micros.empty()) return 0;
  std::sort(micros.begin(), micros.end());
  const auto last = static_cast<double>(micros.size() - 1);
  return micros[static_cast<std::size_t>(std::llround(q * last))];
}

double rounded(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

nlohmann::ordered_json ratio(double a, double b) {
  if (b <= 0) return nullptr;
  return rounded(a / b, 3);
}

void print(RunContext& ctx, const Report& report) {
  nlohmann::ordered_json line;
  line["workload"] = report.workload;
  line["backend"] = ctx.backend;
  line["events"] = report.figure.events;
  line["seconds"] = rounded(report.figure.seconds, 3);
  line["events_per_s"] = std::llround(report.figure.rate());
  if (report.baseline) {
    line["baseline_events_per_s"] = std::llround(report.baseline->rate());
    line["ratio_to_baseline"] = ratio(report.figure.rate(), report.baseline->rate());
  } else {
    line["baseline_events_per_s"] = nullptr;
    line["ratio_to_baseline"] = nullptr;
  }
  line["verified"] = report.verified;
  for (const auto& [key, value] : report.extra.items()) line[key] = value;
  ctx.out << line.dump() << std::endl;
  ctx.all_verified = ctx.all_verified && report.verified;
}

}  // namespace es::bench

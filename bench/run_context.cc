#include "run_context.h"

#include <algorithm>
#include <cmath>

namespace es::bench {
namespace {

constexpr std::size_t kPayloadBytes = 200;
constexpr double kPrice = 19.99;

nlohmann::ordered_json item_json(std::string_view stream, std::uint64_t seq,
                                 const std::string& note) {
  nlohmann::ordered_json j;
  j["stream"] = stream;
  j["seq"] = seq;
  j["sku"] = "SKU-" + std::to_string(seq % 997);
  j["qty"] = item_qty(seq);
  j["price"] = kPrice;
  j["note"] = note;
  return j;
}

const std::string& note() {
  static const std::string padding = [] {
    const std::size_t bare = item_json("w1-000", 10, "").dump().size();
    return std::string(bare < kPayloadBytes ? kPayloadBytes - bare : 0, 'x');
  }();
  return padding;
}

}  // namespace

std::uint64_t scaled(const RunContext& ctx, std::uint64_t count, std::uint64_t minimum) {
  const auto n = static_cast<std::uint64_t>(std::llround(static_cast<double>(count) * ctx.scale));
  return std::max(n, minimum);
}

std::string item_data(std::string_view stream, std::uint64_t seq) {
  return item_json(stream, seq, note()).dump();
}

EventData item_event(std::string_view stream, std::uint64_t seq) {
  EventData event;
  event.type = "ItemAdded";
  event.data = item_data(stream, seq);
  event.metadata = "{}";
  return event;
}

void ItemTotals::evolve(std::string_view data) {
  const nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  ++count;
  if (!j.is_object()) return;  // counted but adds nothing, so the fold's check fails
  const auto q = j.find("qty");
  const auto s = j.find("seq");
  if (q != j.end() && q->is_number_integer()) qty += q->get<std::int64_t>();
  if (s != j.end() && s->is_number_integer()) last_seq = s->get<std::int64_t>();
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

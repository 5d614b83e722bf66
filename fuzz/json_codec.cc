// Decodes arbitrary bytes with the reflected JSON codec (es/domain/json_codec.h): as the bank's
// events, through EventSet as a repository does, and as a struct with every member kind the
// codec supports. The first byte picks the type; the rest is the payload.
// Checks: whatever decodes encodes to JSON that decodes to an equal value and re-encodes to the
// same bytes; decoding never crashes, whatever the input.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bank/account.h"
#include "check.h"
#include "es/domain/event_set.h"
#include "es/domain/json_codec.h"

namespace {

enum class Priority : std::uint8_t { kLow, kHigh };

struct Line {
  std::string sku;
  std::uint32_t qty = 0;
  std::optional<double> price;
  bool operator==(const Line&) const = default;
};
ES_FIELDS(Line, sku, qty, price)

struct Order {
  std::string id;
  std::int64_t total = 0;
  std::int16_t discount = 0;
  std::uint64_t sequence = 0;
  bool paid = false;
  Priority priority = Priority::kLow;
  float ratio = 0;
  Line first;
  std::vector<Line> lines;
  std::optional<std::vector<std::optional<std::string>>> notes;
  std::map<std::string, std::vector<std::int32_t>> tags;
  bool operator==(const Order&) const = default;
};
ES_FIELDS(Order, id, total, discount, sequence, paid, priority, ratio, first, lines, notes, tags)

using BankEvents = es::EventSet<bank::Account::EventVariant>;

void check_bank_event(std::size_t index, std::string_view data) {
  const es::EventType type = BankEvents::kTypes[index];
  bank::Account::EventVariant decoded;
  if (!BankEvents::decode(type.name, type.schema_version, data, decoded).is_ok()) return;
  const es::EventData encoded = BankEvents::encode(decoded);
  FUZZ_CHECK(encoded.type == type.name);
  bank::Account::EventVariant again;
  FUZZ_CHECK(BankEvents::decode(encoded.type, encoded.schema_version, encoded.data, again).is_ok());
  FUZZ_CHECK(BankEvents::encode(again).data == encoded.data);
}

void check_order(std::string_view data) {
  Order decoded;
  if (!es::json_decode(data, decoded).is_ok()) return;
  const std::string encoded = es::json_encode(decoded);
  Order again;
  FUZZ_CHECK(es::json_decode(encoded, again).is_ok());
  FUZZ_CHECK(again == decoded);
  FUZZ_CHECK(es::json_encode(again) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  const std::size_t choice = bytes[0] % (BankEvents::kTypes.size() + 1);
  if (choice < BankEvents::kTypes.size()) {
    check_bank_event(choice, data);
  } else {
    check_order(data);
  }
  return 0;
}

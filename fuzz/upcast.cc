// Upcasts stored payloads made of arbitrary bytes: the bank's schema history (bank::upcasters(),
// which decodes legacy payloads with the JSON codec) and a JSON-editing step (Upcasters::add_json,
// which parses the stored data with nlohmann::json). The first byte picks the stored type and
// schema version; the rest is the data.
// Checks: upcast returns a Status and never crashes or lets an exception out; on success no step
// applies to any result, each bank result decodes as one of today's events, and the JSON step's
// result is JSON at the next schema version.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bank/account.h"
#include "bank/upcasters.h"
#include "check.h"
#include "es/domain/event_set.h"
#include "es/domain/upcaster.h"

namespace {

constexpr std::string_view kJsonType = "fuzz.Renamed";

es::Upcasters make_upcasters() {
  es::Upcasters up = bank::upcasters();
  // A step of the kind applications write: it meets data of any shape (nlohmann then throws).
  FUZZ_CHECK(up.add_json(std::string(kJsonType), 1, [](nlohmann::json& d) {
                 d["name"] = d.at("title");
                 d.erase("title");
               }).is_ok());
  return up;
}

struct StoredType {
  std::string_view name;
  std::int32_t schema_version;
};

// The legacy and current bank types (bank/legacy_events.h, bank/account.h) and the JSON step's.
constexpr std::array<StoredType, 8> kTypes = {{{"bank.AccountOpenedWithDeposit", 1},
                                               {"bank.AccountOpenedWithDeposit", 2},
                                               {"bank.FundsAdded", 1},
                                               {"bank.AccountOpened", 1},
                                               {"bank.MoneyDeposited", 1},
                                               {"bank.MoneyWithdrawn", 1},
                                               {"bank.AccountClosed", 1},
                                               {kJsonType, 1}}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  static const es::Upcasters kUpcasters = make_upcasters();
  if (size == 0) return 0;
  const StoredType type = kTypes[bytes[0] % kTypes.size()];
  es::StoredPayload in{.type = std::string(type.name),
                       .schema_version = type.schema_version,
                       .data = std::string(reinterpret_cast<const char*>(bytes) + 1, size - 1)};
  std::vector<es::StoredPayload> out;
  const es::Status status = kUpcasters.upcast(in, out);
  if (!status.is_ok()) {
    FUZZ_CHECK(status.code() == es::StatusCode::kInvalidArgument);
    return 0;
  }
  for (const es::StoredPayload& p : out) {
    FUZZ_CHECK(!kUpcasters.applies_to(p.type, p.schema_version));
    if (type.name == kJsonType) {
      FUZZ_CHECK(p.schema_version == 2 && nlohmann::json::accept(p.data));
      continue;
    }
    // A current payload passes unchanged and may be anything; an upcast one must be today's.
    if (p.data == in.data && p.type == in.type) continue;
    bank::Account::EventVariant event;
    FUZZ_CHECK(
        es::EventSet<bank::Account::EventVariant>::decode(p.type, p.schema_version, p.data, event)
            .is_ok());
  }
  return 0;
}

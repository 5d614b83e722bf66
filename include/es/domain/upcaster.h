// Upcasters: read old stored events as the current code expects them. A step is registered for
// (type, schema version) and turns one stored payload into zero, one or several payloads — to
// change the shape (v1 -> v2), rename a type, or split one event into several. Steps chain until
// no step matches, so v1 -> v2 -> v3 needs only the two single steps. Applied on every read path:
// aggregates, snapshots, projections and `es read --upcast`.
//
// Thread safety: register all steps before sharing; afterwards const methods may be called from
// any thread.
//
//   es::Upcasters up;
//   up.add_json("bank.MoneyDeposited", 1, [](nlohmann::json& d) { d["cents"] = d["amount"] * 100;
//   }); up.rename("bank.Deposit", 1, "bank.MoneyDeposited", 1);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "es/core/result.h"

namespace es {

// A stored event's payload as upcasters see it.
struct StoredPayload {
  std::string type;
  std::int32_t schema_version = 1;
  std::string data;
};

class Upcasters {
 public:
  // One step: the payloads that replace `in` (an empty vector drops the event).
  using Step = std::function<Result<std::vector<StoredPayload>>(StoredPayload in)>;

  // Registers the step for payloads of (type, schema_version). Registering twice for the same
  // pair is a programmer error, reported by the returned status.
  Status add(std::string type, std::int32_t schema_version, Step step);
  // A step that edits the JSON data in place and raises the schema version by one.
  Status add_json(std::string type, std::int32_t schema_version,
                  std::function<void(nlohmann::json& data)> edit);
  // A step that renames (type, schema_version) to (new_type, new_version), data unchanged.
  Status rename(std::string type, std::int32_t schema_version, std::string new_type,
                std::int32_t new_version);

  [[nodiscard]] bool empty() const { return steps_.empty(); }
  // True when a step is registered for (type, schema_version): the payload is not current.
  [[nodiscard]] bool applies_to(std::string_view type, std::int32_t schema_version) const;
  // Runs steps until none applies and appends the resulting payloads to `out`. Fails on a step's
  // error, or after 64 steps on one event (a cycle).
  Status upcast(StoredPayload in, std::vector<StoredPayload>& out) const;

 private:
  struct Entry {
    std::string type;
    std::int32_t schema_version;
    Step step;
  };
  [[nodiscard]] const Entry* find(std::string_view type, std::int32_t schema_version) const;

  std::vector<Entry> steps_;
};

}  // namespace es

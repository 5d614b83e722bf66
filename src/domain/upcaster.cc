#include "es/domain/upcaster.h"

#include <nlohmann/json.hpp>

namespace es {
namespace {

constexpr int kMaxSteps = 64;
// Deeper stored data is refused: nlohmann::json copies and serialises recursively, one stack
// frame per level, so a payload nested a few hundred thousand levels deep would overflow it.
constexpr int kMaxJsonDepth = 512;

std::string describe(std::string_view type, std::int32_t schema_version) {
  return "'" + std::string(type) + "' v" + std::to_string(schema_version);
}

}  // namespace

Status Upcasters::add(std::string type, std::int32_t schema_version, Step step) {
  if (find(type, schema_version) != nullptr) {
    return Status::already_exists("an upcaster for " + describe(type, schema_version) +
                                  " is already registered");
  }
  steps_.push_back({std::move(type), schema_version, std::move(step)});
  return Status::ok();
}

Status Upcasters::add_json(std::string type, std::int32_t schema_version,
                           std::function<void(nlohmann::json& data)> edit) {
  return add(
      std::move(type), schema_version,
      [edit = std::move(edit)](StoredPayload in) -> Result<std::vector<StoredPayload>> {
        bool too_deep = false;
        auto data = nlohmann::json::parse(
            in.data,
            [&too_deep](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
              // `depth` counts the containers around the one starting.
              using Event = nlohmann::json::parse_event_t;
              const bool opens = event == Event::object_start || event == Event::array_start;
              too_deep = too_deep || (opens && depth >= kMaxJsonDepth);
              return !too_deep;
            },
            /*allow_exceptions=*/false);
        if (too_deep) {
          return Status::invalid_argument("upcasting " + describe(in.type, in.schema_version) +
                                          ": the stored data is nested deeper than " +
                                          std::to_string(kMaxJsonDepth) + " levels");
        }
        if (data.is_discarded()) {
          return Status::invalid_argument("upcasting " + describe(in.type, in.schema_version) +
                                          ": the stored data is not JSON");
        }
        // A user's edit may meet data of another shape than it expects; nlohmann then
        // throws, and exceptions must not cross the library's API.
        try {
          edit(data);
        } catch (const nlohmann::json::exception& e) {
          return Status::invalid_argument("upcasting " + describe(in.type, in.schema_version) +
                                          ": " + e.what());
        }
        in.data = data.dump();
        ++in.schema_version;
        return std::vector<StoredPayload>{std::move(in)};
      });
}

Status Upcasters::rename(std::string type, std::int32_t schema_version, std::string new_type,
                         std::int32_t new_version) {
  return add(std::move(type), schema_version,
             [new_type = std::move(new_type),
              new_version](StoredPayload in) -> Result<std::vector<StoredPayload>> {
               in.type = new_type;
               in.schema_version = new_version;
               return std::vector<StoredPayload>{std::move(in)};
             });
}

bool Upcasters::applies_to(std::string_view type, std::int32_t schema_version) const {
  return find(type, schema_version) != nullptr;
}

const Upcasters::Entry* Upcasters::find(std::string_view type, std::int32_t schema_version) const {
  for (const Entry& e : steps_) {
    if (e.schema_version == schema_version && e.type == type) return &e;
  }
  return nullptr;
}

Status Upcasters::upcast(StoredPayload in, std::vector<StoredPayload>& out) const {
  // Depth-first, so a split event's parts keep their order and are each upcast to the end.
  std::vector<std::pair<StoredPayload, int>> pending;
  pending.emplace_back(std::move(in), 0);
  while (!pending.empty()) {
    auto [payload, steps] = std::move(pending.back());
    pending.pop_back();
    const Entry* entry = find(payload.type, payload.schema_version);
    if (entry == nullptr) {
      out.push_back(std::move(payload));
      continue;
    }
    if (steps == kMaxSteps) {
      return Status::invalid_argument("upcasting " +
                                      describe(payload.type, payload.schema_version) +
                                      " did not finish after 64 steps (a cycle?)");
    }
    auto next = entry->step(std::move(payload));
    if (!next) return next.error();
    for (auto it = next->rbegin(); it != next->rend(); ++it) {
      pending.emplace_back(std::move(*it), steps + 1);
    }
  }
  return Status::ok();
}

}  // namespace es

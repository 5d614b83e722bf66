// ConsumerGroup: splits one subscription's work over n members without a coordinator (DESIGN
// §8). Member k of n takes the events of the streams whose stable hash mod n equals k, so each
// stream goes to exactly one member and its order is kept. The hash is FNV-1a 64 of the stream
// name's bytes — fixed by this header, the same on every platform, build and process (never
// std::hash). Events of other members' streams still advance a member's checkpoint; each member
// keeps its own, named "<name>/<k>-of-<n>", so changing n starts new checkpoints.
//
// Thread safety: a plain value; its functions are pure.
//
//   es::SubscriptionOptions options{.name = "mailer", .checkpoints = cps.get()};
//   options.group = es::ConsumerGroup{.member = 1, .members = 3};   // checkpoint "mailer/1-of-3"
//   auto sub = es::Subscription::start(*store, options, handler);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/status.h"

namespace es {

// FNV-1a 64 of `stream`'s bytes: the hash that assigns streams to members.
[[nodiscard]] std::uint64_t stream_hash(std::string_view stream);

struct ConsumerGroup {
  // This member's index, 0 ≤ member < members. Default 0.
  std::uint32_t member = 0;
  // How many members share the work, ≥ 1. Default 1 (one member takes every stream).
  std::uint32_t members = 1;

  // kInvalidArgument unless members ≥ 1 and member < members.
  [[nodiscard]] Status validate() const;
  // Whether this member takes the events of `stream`.
  [[nodiscard]] bool owns(std::string_view stream) const {
    return stream_hash(stream) % members == member;
  }
  // The member's checkpoint name for the subscription `name`: "<name>/<member>-of-<members>".
  [[nodiscard]] std::string checkpoint_name(std::string_view name) const;
};

}  // namespace es

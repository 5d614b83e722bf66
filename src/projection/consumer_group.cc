#include "es/projection/consumer_group.h"

#include <fmt/format.h>

namespace es {

std::uint64_t stream_hash(std::string_view stream) {
  // FNV-1a 64 (offset basis and prime from the FNV specification); part of the on-disk
  // contract, since checkpoints of group members depend on which streams they took.
  constexpr std::uint64_t kOffsetBasis = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hash = kOffsetBasis;
  for (const char c : stream) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  }
  return hash;
}

Status ConsumerGroup::validate() const {
  if (members == 0) return Status::invalid_argument("consumer group: members must be at least 1");
  if (member >= members) {
    return Status::invalid_argument(
        fmt::format("consumer group: member {} is not below members {}", member, members));
  }
  return Status::ok();
}

std::string ConsumerGroup::checkpoint_name(std::string_view name) const {
  return fmt::format("{}/{}-of-{}", name, member, members);
}

}  // namespace es

// ExpectedVersion: the optimistic-concurrency condition of an append (DESIGN §4).
//
//   any()            append whatever the stream's version
//   no_stream()      the stream must be absent or soft-deleted (exact(0) is the same condition)
//   stream_exists()  the stream must be live (exist with readable events)
//   exact(n)         the stream's last version must be n
// A mismatch fails with kConflict reporting both versions, and nothing is written.
//
// Thread safety: a value type.
//
//   store.append("account-42", es::ExpectedVersion::exact(7), events);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

class ExpectedVersion {
 public:
  enum class Kind : std::uint8_t { kAny, kNoStream, kStreamExists, kExact };

  static constexpr ExpectedVersion any() { return {Kind::kAny, -1}; }
  static constexpr ExpectedVersion no_stream() { return {Kind::kNoStream, 0}; }
  static constexpr ExpectedVersion stream_exists() { return {Kind::kStreamExists, -1}; }
  // exact(0) is no_stream(); a negative version is a programmer error caught by append().
  static constexpr ExpectedVersion exact(std::int64_t version) {
    return version == 0 ? no_stream() : ExpectedVersion{Kind::kExact, version};
  }
  // Parses the CLI/HTTP form: "any", "no-stream", "exists" or a version number ≥ 0.
  static Result<ExpectedVersion> parse(std::string_view text);

  [[nodiscard]] constexpr Kind kind() const { return kind_; }
  // The version for kExact; 0 for kNoStream; -1 otherwise.
  [[nodiscard]] constexpr std::int64_t version() const { return version_; }
  // "any", "no-stream", "exists" or the number.
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(ExpectedVersion, ExpectedVersion) = default;

 private:
  constexpr ExpectedVersion(Kind kind, std::int64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  std::int64_t version_;
};

}  // namespace es

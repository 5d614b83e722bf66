// The verifier of the hash chain, fed by a backend's EventStore::do_scan_chain() hook: the
// backend hands over its raw rows and ChainScan decides what each discrepancy is
// (docs/security.md, "Hash chain"). Shared by every backend so they report tampering alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/store/verify.h"
#include "store/hash_chain.h"

namespace es::detail {

// ChainScan's state: an event whose stored hash did not match, kept until its stream ends to
// tell a modified event from a reordered one.
struct ChainMismatch {
  RecordedEvent event;
  ChainHash stored{};
  ChainHash previous{};  // the previous hash it was checked against
};

// ChainScan's state: the stream being checked.
struct ScannedStream {
  std::string name;
  std::optional<std::int64_t> head_version;
  std::string head_hash;
  std::int64_t first_version = 0;  // of the stored events; 0 when none
  std::int64_t last_version = 0;   // the highest version at or below the head
  ChainHash previous = kChainStart;
  bool last_problem = false;  // the event at last_version was reported or is a mismatch
  std::vector<ChainMismatch> mismatches;
  std::vector<IntegrityProblem> problems;
};

// The order a backend must feed: streams in ascending byte order of their names; for each
// stream, its streams-table row first (when there is one), then every stored event of it in
// ascending version order (hidden events included; equal versions in position order). Streams
// with only a row, or only events, are fed too. Everything from one consistent snapshot.
class ChainScan {
 public:
  explicit ChainScan(const VerifyOptions& options) : options_(options) {}

  // A streams-table row: the stream's version and the stored hash of its last event (empty when
  // the row has none).
  void head(std::string_view stream, std::int64_t version, std::string_view last_hash);
  // A stored event and its stored hash.
  void event(const ChainFields& fields, std::string_view stored_hash);
  // Finishes the last stream and returns the report.
  VerifyReport finish();

 private:
  void switch_to(std::string_view stream);
  void finish_stream();
  // Classifies the stream's mismatches as reordered, modified or intact after all.
  void resolve_mismatches();
  // Compares the streams row with the stored events: a missing tail, a changed head hash.
  void check_head();
  void add(std::int64_t version, IntegrityProblemKind kind, std::string detail);

  const VerifyOptions& options_;
  VerifyReport report_;
  std::optional<ScannedStream> current_;
  HeadDigest digest_;
};

}  // namespace es::detail

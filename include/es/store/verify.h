// Verification of the tamper-evident hash chain (DESIGN §10, docs/security.md "Hash chain"):
// EventStore::verify() recomputes every stored event's hash from its fields and the hash before
// it in its stream, and reports each event that was modified, deleted, inserted or reordered
// behind the store's back (by editing the database file directly, say).
//
// Events hidden by soft deletes and retention are stored and verified like any other. The chain
// has no key: someone who rewrites an event and every later hash of its stream, and the stream's
// head, goes unnoticed unless the head was recorded elsewhere — VerifyReport::digest is that
// anchor for the whole store.
//
// Thread safety: plain value types.
//
//   auto report = store.verify({.stream = "account-42"});
//   if (report && !report->intact())
//     for (const es::IntegrityProblem& p : report->problems) std::cerr << p.detail << "\n";
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace es {

enum class IntegrityProblemKind : std::uint8_t {
  kModified,   // the event's fields do not match its hash
  kDeleted,    // versions are missing: a gap, or a tail the stream's head still counts
  kInserted,   // an event the chain does not account for: past the head, or without a stream
  kReordered,  // the event is intact but stored at another version than it was appended at
};

// "modified", "deleted", "inserted", "reordered".
std::string_view integrity_problem_kind_name(IntegrityProblemKind kind);

struct IntegrityProblem {
  std::string stream;
  std::int64_t version = 0;  // the first version the problem concerns
  IntegrityProblemKind kind = IntegrityProblemKind::kModified;
  std::string detail;  // one sentence naming what does not match
};

// The head of one stream's chain: what an external anchor records.
struct ChainHead {
  std::string stream;
  std::int64_t version = 0;  // 0 for a stream that never had an event (a reserved name)
  std::string hash;          // lower-case hex of the 32-byte hash of the event at `version`
};

struct VerifyOptions {
  // Only this stream; empty (the default): every stream of the store.
  std::string stream;
  // Called for each problem as it is found, in stream order then version order; when set, the
  // report's `problems` stays empty (its count is still kept). Default: none.
  std::function<void(const IntegrityProblem&)> on_problem;
  // Called with each stream's head, in stream order. Default: none.
  std::function<void(const ChainHead&)> on_head;
  // Both run on the thread that called verify(), while the store is being read: they must not
  // call the store.
};

struct VerifyReport {
  std::uint64_t streams = 0;  // streams checked (names with a head row, events, or both)
  std::uint64_t events = 0;   // stored events checked, hidden ones included
  std::uint64_t problems_found = 0;
  std::vector<IntegrityProblem> problems;  // empty when VerifyOptions::on_problem is set
  // Lower-case hex BLAKE2b-256 over every checked stream's head (name, version, hash) in stream
  // order: equal digests mean equal heads. Record it to detect a consistent rewrite later.
  std::string digest;

  [[nodiscard]] bool intact() const { return problems_found == 0; }
};

}  // namespace es

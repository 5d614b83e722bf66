#include "store/chain_scan.h"

#include <fmt/format.h>

#include <algorithm>

namespace es {

std::string_view integrity_problem_kind_name(IntegrityProblemKind kind) {
  switch (kind) {
    case IntegrityProblemKind::kModified:
      return "modified";
    case IntegrityProblemKind::kDeleted:
      return "deleted";
    case IntegrityProblemKind::kInserted:
      return "inserted";
    case IntegrityProblemKind::kReordered:
      return "reordered";
  }
  return "unknown";
}

namespace detail {
namespace {

// Mismatches of one stream kept to tell reorders apart; later ones are reported as modified at
// once, so a stream rewritten wholesale costs neither memory nor quadratic time.
constexpr std::size_t kMaxResolved = 32;

RecordedEvent owned(const ChainFields& f) {
  RecordedEvent e;
  e.stream = std::string(f.stream);
  e.version = f.version;
  e.id = f.id;
  e.type = std::string(f.type);
  e.schema_version = f.schema_version;
  e.data = std::string(f.data);
  e.metadata = std::string(f.metadata);
  e.tenant = std::string(f.tenant);
  e.recorded_at = from_unix_micros(f.recorded_at_us);
  return e;
}

std::string versions(std::int64_t first, std::int64_t last) {
  return first == last ? fmt::format("version {} is", first)
                       : fmt::format("versions {}-{} are", first, last);
}

}  // namespace

void ChainScan::add(std::int64_t version, IntegrityProblemKind kind, std::string detail) {
  current_->problems.push_back({current_->name, version, kind, std::move(detail)});
}

void ChainScan::switch_to(std::string_view stream) {
  if (current_ && current_->name == stream) return;
  if (current_) finish_stream();
  current_.emplace();
  current_->name = std::string(stream);
}

void ChainScan::head(std::string_view stream, std::int64_t version, std::string_view last_hash) {
  switch_to(stream);
  current_->head_version = version;
  current_->head_hash = std::string(last_hash);
}

void ChainScan::event(const ChainFields& fields, std::string_view stored_hash) {
  switch_to(fields.stream);
  ++report_.events;
  ScannedStream& s = *current_;
  const std::int64_t v = fields.version;
  if (s.first_version == 0) s.first_version = v;
  if (v < 1) {
    add(v, IntegrityProblemKind::kInserted, "versions start at 1");
    return;
  }
  if (v <= s.last_version) {
    add(v, IntegrityProblemKind::kInserted, fmt::format("a second event at version {}", v));
    return;
  }
  if (s.head_version && v > *s.head_version) {
    add(v, IntegrityProblemKind::kInserted,
        fmt::format("stored after the stream's head (version {})", *s.head_version));
    return;
  }
  ChainHash stored{};
  const bool well_formed = to_chain_hash(stored_hash, stored);
  const bool gap = v > s.last_version + 1;
  if (gap) {
    // The event after a gap linked to a deleted hash, so it cannot be checked on its own.
    add(s.last_version + 1, IntegrityProblemKind::kDeleted,
        fmt::format("{} missing", versions(s.last_version + 1, v - 1)));
  }
  const ChainHash computed = chain_hash(s.previous, fields);
  s.last_problem = !gap && computed != stored;
  if (!well_formed) {
    add(v, IntegrityProblemKind::kModified, "its stored hash is missing or not 32 bytes");
  } else if (s.last_problem && s.mismatches.size() < kMaxResolved) {
    s.mismatches.push_back({owned(fields), stored, s.previous});
  } else if (s.last_problem) {
    add(v, IntegrityProblemKind::kModified, "its fields do not match its stored hash");
  }
  // Later events linked to the stored hash: carrying it on reports a change once, not onwards.
  s.previous = well_formed ? stored : computed;
  s.last_version = v;
}

void ChainScan::resolve_mismatches() {
  ScannedStream& s = *current_;
  std::vector<ChainHash> previous;  // every hash a displaced event may have linked to
  for (const ChainMismatch& m : s.mismatches) {
    previous.push_back(m.previous);
    previous.push_back(m.stored);
  }
  for (const ChainMismatch& m : s.mismatches) {
    const ChainFields fields = chain_fields(m.event);
    auto links_with = [&](const ChainFields& f) {
      return std::any_of(previous.begin(), previous.end(),
                         [&](const ChainHash& p) { return chain_hash(p, f) == m.stored; });
    };
    // Intact in its place: the event it links to was moved, and is reported where it now is.
    if (links_with(fields)) continue;
    std::optional<std::int64_t> appended_at;
    for (const ChainMismatch& other : s.mismatches) {
      ChainFields moved = fields;
      moved.version = other.event.version;
      if (moved.version != fields.version && links_with(moved)) appended_at = moved.version;
    }
    if (appended_at) {
      add(fields.version, IntegrityProblemKind::kReordered,
          fmt::format("the event appended as version {} is stored as version {}", *appended_at,
                      fields.version));
    } else {
      add(fields.version, IntegrityProblemKind::kModified,
          fields.version == 1
              ? std::string("its fields do not match its stored hash")
              : fmt::format("its fields, or the hash of version {} it links to, do not match its "
                            "stored hash",
                            fields.version - 1));
    }
  }
}

void ChainScan::check_head() {
  ScannedStream& s = *current_;
  if (s.last_version < *s.head_version) {
    add(s.last_version + 1, IntegrityProblemKind::kDeleted,
        fmt::format("{} missing; the stream's head is version {}",
                    versions(s.last_version + 1, *s.head_version), *s.head_version));
  } else if (*s.head_version > 0 && !s.last_problem && s.head_hash != as_bytes(s.previous)) {
    add(s.last_version, IntegrityProblemKind::kModified,
        fmt::format("the streams table's head hash differs from the hash of version {}",
                    s.last_version));
  }
}

void ChainScan::finish_stream() {
  ScannedStream& s = *current_;
  ++report_.streams;
  if (!s.head_version) {
    // One problem for the whole stream: without a head nothing else about it can be trusted.
    const bool chain_intact = s.first_version == 1 && s.problems.empty() && s.mismatches.empty();
    s.problems.clear();
    s.mismatches.clear();
    if (chain_intact) {
      add(s.last_version, IntegrityProblemKind::kDeleted,
          "the stream's events are intact but its row in the streams table is missing");
    } else {
      add(s.first_version, IntegrityProblemKind::kInserted,
          "events of a stream that has no row in the streams table");
    }
  } else {
    resolve_mismatches();
    check_head();
  }

  std::stable_sort(
      s.problems.begin(), s.problems.end(),
      [](const IntegrityProblem& a, const IntegrityProblem& b) { return a.version < b.version; });
  for (IntegrityProblem& p : s.problems) {
    ++report_.problems_found;
    if (options_.on_problem) {
      options_.on_problem(p);
    } else {
      report_.problems.push_back(std::move(p));
    }
  }

  // The anchor is the head the next append will link to: the streams row when there is one.
  ChainHash head_hash = s.previous;
  std::int64_t head_version = s.last_version;
  if (s.head_version) {
    head_version = *s.head_version;
    if (!to_chain_hash(s.head_hash, head_hash)) head_hash = kChainStart;
  }
  digest_.add(s.name, head_version, head_hash);
  if (options_.on_head) options_.on_head({s.name, head_version, to_hex(head_hash)});
}

VerifyReport ChainScan::finish() {
  if (current_) finish_stream();
  current_.reset();
  report_.digest = to_hex(digest_.finish());
  return std::move(report_);
}

}  // namespace detail
}  // namespace es

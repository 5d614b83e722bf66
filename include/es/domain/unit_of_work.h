// UnitOfWork: what several aggregates decided — of any types, in either style — appended in one
// atomic multi-stream append (DESIGN §4). Each aggregate is staged through its repository
// (Repository::stage); commit() appends everything or nothing, every stream expecting the version
// its aggregate was loaded at. After a successful commit every staged aggregate is at its new
// version, with its snapshot and cache updated, exactly as after a save.
//
// All events of one unit share the context's metadata: one command id, correlation and actor.
//
// Thread safety: one unit per command and thread.
//
//   es::UnitOfWork work(store, {.actor = "teller-1"});
//   accounts.stage(work, from);                         // an imperative aggregate
//   ledgers.stage(work, ledger, std::move(decided));    // a decider's root and its new events
//   es::Status s = work.commit();                       // kConflict: reload both and retry
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "es/domain/command_context.h"
#include "es/store/event_store.h"

namespace es {

class UnitOfWork {
 public:
  explicit UnitOfWork(EventStore& store, CommandContext context = {});

  // The metadata every event of this unit carries (CommandContext::metadata, computed once).
  [[nodiscard]] const std::string& metadata() const { return metadata_; }
  [[nodiscard]] const CommandContext& context() const { return context_; }
  // The store this unit appends to; a repository may only stage into a unit of its own store.
  [[nodiscard]] EventStore& store() const { return store_; }
  [[nodiscard]] bool empty() const { return staged_.empty(); }

  // For repositories: stages `events` for `stream` under `expected`; `committed` runs with the
  // stream's result once the whole unit is appended. Nothing is staged for an empty `events`.
  void add(std::string stream, ExpectedVersion expected, std::vector<EventData> events,
           std::function<void(const AppendResult&)> committed);

  // Appends everything staged in one atomic append. kConflict when any stream moved since its
  // aggregate was loaded (nothing is written: reload and decide again); kInvalidArgument when
  // called twice. An empty unit commits trivially.
  Status commit();

 private:
  struct Staged {
    std::string stream;
    ExpectedVersion expected;
    std::vector<EventData> events;
    std::function<void(const AppendResult&)> committed;
  };

  EventStore& store_;
  CommandContext context_;
  std::string metadata_;
  std::vector<Staged> staged_;
  bool done_ = false;
};

}  // namespace es

// The in-memory backend: the same semantics as every other backend (it passes the same
// conformance suite), kept in process memory. For tests, examples and short-lived tools.
//
// Thread safety: fully thread-safe; appends serialise on one lock, reads share it.
//
//   std::unique_ptr<es::EventStore> store = es::make_memory_store();
//   store->append("order-1", es::ExpectedVersion::no_stream(), events);
#pragma once

#include <memory>

#include "es/core/limits.h"
#include "es/store/event_store.h"

namespace es {

std::unique_ptr<EventStore> make_memory_store(Limits limits = {});

}  // namespace es

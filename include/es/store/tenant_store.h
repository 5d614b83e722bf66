// A tenant-scoped store handle (DESIGN §10): an EventStore over another store that acts for one
// tenant only, on every read and write, whatever the backend.
//
// - Appends are made for the tenant: a request naming no tenant gets it, one naming another
//   tenant fails with kPermissionDenied, and so does an append to another tenant's stream (the
//   backend's own rule).
// - Another tenant's stream reads as absent: read_stream and stream_info show nothing of it,
//   list_streams and stats leave it out, read_all and subscriptions (which read through
//   read_all) deliver only the tenant's events, still advancing past the others.
// - delete_stream, tombstone_stream and set_retention act only on the tenant's existing streams:
//   kNotFound for an absent one (so a scoped handle cannot reserve a name with a tombstone),
//   kPermissionDenied for another tenant's.
// - verify() checks the tenant's streams only (a whole-store check also finds rows that belong
//   to no stream).
// head_position() and wait_for_append() are the underlying store's: positions order the one
// global feed of every tenant. stats() walks the tenant's streams and events, so it costs a
// scan of the feed.
//
// Thread safety: as the underlying store, which must outlive a handle that borrows it.
//
//   auto store = es::open("events.db");
//   auto acme = es::scope_to_tenant(std::move(*store), "acme");
//   (*acme)->append("order-1", es::ExpectedVersion::no_stream(), events);  // tenant "acme"
#pragma once

#include <memory>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event_store.h"

namespace es {

// A handle on `store` for `tenant` (1–Limits::max_tenant_bytes of UTF-8, no control
// characters); `store` must outlive it. kInvalidArgument for an empty or malformed tenant.
Result<std::unique_ptr<EventStore>> scope_to_tenant(EventStore& store, std::string_view tenant);
// As above, owning `store`.
Result<std::unique_ptr<EventStore>> scope_to_tenant(std::unique_ptr<EventStore> store,
                                                    std::string_view tenant);

}  // namespace es

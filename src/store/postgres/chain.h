// The hash chain on the postgres backend (docs/security.md, "Hash chain"): the verifier's scan of
// the stored rows, and the migration's backfill of the hashes of events written before the chain.
// Both read events in pages, in (stream, version) order — the events_stream_version_key index.
#pragma once

#include <string_view>

#include "es/core/status.h"
#include "store/chain_scan.h"
#include "store/postgres/connection.h"

namespace es::postgres {

// Feeds `scan` the streams rows and events of `stream` (every stream when empty) in ChainScan's
// order, from one REPEATABLE READ snapshot.
Status scan_chain(Connection& conn, std::string_view stream, detail::ChainScan& scan);

// Hashes every stored event in stream and version order and stores each stream's head hash.
// Runs inside the migration's transaction.
Status backfill_chain(Connection& conn);

}  // namespace es::postgres

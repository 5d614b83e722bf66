// The sqlite backend's side of the hash chain (docs/security.md): feeding the verifier from the
// events and streams tables, and computing the chain of a store that predates it (migration 5).
#pragma once

#include <string_view>

#include "es/core/status.h"
#include "store/chain_scan.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

// Feeds `scan` every streams row and stored event of `stream` (every stream when empty) in the
// order ChainScan wants, inside one read transaction of `conn`, read ahead on a thread of its own.
Status scan_chain(Connection& conn, std::string_view stream, detail::ChainScan& scan);

// Computes and stores the hash of every event and the head hash of every stream, in version
// order per stream; runs inside the migration's transaction.
Status backfill_chain(Connection& conn);

}  // namespace es::sqlite

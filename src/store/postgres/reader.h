// The postgres backend's read side: queries on a leased read connection, binary results decoded
// into one reused RecordedEvent per read. Global-feed reads only see rows of transactions older
// than the snapshot's xmin (every transaction below it has ended), so the order they return can
// never gain an event behind a position already handed out.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "es/store/event_store.h"
#include "store/postgres/connection.h"
#include "store/postgres/pool.h"

namespace es::postgres {

Result<std::pair<std::int64_t, bool>> read_stream(Connection& conn, std::string_view stream,
                                                  const ReadStreamOptions& options,
                                                  const EventVisitor& visitor);
// As EventStore::visit_stream(): every readable event of `stream` from options.from_version in
// options.direction, streamed by binary COPY in chunks of options.max_count versions (at most
// 16,384) instead of read page by page, with the stream's bounds read once at the start. A read
// of at least 2,048 versions also leases the connection of `read_ahead` (may be null) when it
// is free, without waiting, and streams every other chunk on it, one chunk ahead of the visitor.
Status visit_stream(Connection& conn, Pool* read_ahead, std::string_view stream,
                    const ReadStreamOptions& options, const EventVisitor& visitor);
Result<std::pair<Position, bool>> read_all(Connection& conn, const ReadAllOptions& options,
                                           const EventVisitor& visitor);
Result<StreamInfo> stream_info(Connection& conn, std::string_view stream);
// The newest visible position; Position::start() when none is.
Result<Position> head_position(Connection& conn);
// The snapshot xmin now: every transaction with a smaller id has ended.
Result<std::uint64_t> snapshot_xmin(Connection& conn);
Result<std::vector<StreamInfo>> list_streams(Connection& conn, const ListStreamsOptions& options);
Result<StoreStats> stats(Connection& conn);

}  // namespace es::postgres

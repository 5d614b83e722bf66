// Limits: the size rules every append is checked against (DESIGN §3). A value outside them is
// rejected with kInvalidArgument naming the field, and nothing of that append is written.
//
// Thread safety: a plain struct; a store copies it when opened.
//
//   es::Limits limits;
//   limits.max_data_bytes = 4 << 20;   // allow 4 MiB payloads
#pragma once

#include <cstddef>

namespace es {

struct Limits {
  // Bytes of one event's data. Default 1 MiB.
  std::size_t max_data_bytes = std::size_t{1} << 20;
  // Bytes of one event's metadata (a JSON object). Default 64 KiB.
  std::size_t max_metadata_bytes = std::size_t{64} << 10;
  // Events in one append call, counted over all streams of a batch. Default 10,000.
  std::size_t max_events_per_append = 10'000;
  // Bytes of a stream name (UTF-8, no control characters). Fixed by DESIGN §3 at 256.
  std::size_t max_stream_name_bytes = 256;
  // Bytes of an event type name ([A-Za-z0-9_.:-]). Fixed by DESIGN §3 at 128.
  std::size_t max_type_bytes = 128;
  // Bytes of a tenant name (same character rules as a stream name). Default 128.
  std::size_t max_tenant_bytes = 128;
};

}  // namespace es

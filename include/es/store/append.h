// AppendRequest names one stream's part of an append; AppendResult is where its events landed.
//
// An AppendRequest holds views: the stream name, tenant and events must outlive the append call
// (which copies what it stores). Several requests passed together commit atomically.
//
// Thread safety: plain value types.
//
//   std::vector<es::EventData> debit = ..., credit = ...;
//   auto r = store.append({{.stream = "account-1", .expected = es::ExpectedVersion::exact(4),
//   .events = debit},
//                          {.stream = "account-2", .expected = es::ExpectedVersion::any(), .events
//                          = credit}});
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "es/core/position.h"
#include "es/store/event.h"
#include "es/store/expected_version.h"

namespace es {

struct AppendRequest {
  std::string_view stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::span<const EventData> events;
  // The tenant the stream belongs to; set when the stream is created and checked on every later
  // append (kPermissionDenied on a mismatch). Empty for a store without tenants.
  std::string_view tenant;
};

struct AppendResult {
  std::int64_t first_version = 0;  // version of the first appended event
  std::int64_t last_version = 0;   // the stream's version after the append: the next expected
  Position first_position;
  Position last_position;
};

}  // namespace es

// Appends a batch built from arbitrary bytes to an in-memory store that already holds a stream:
// arbitrary stream names, tenants, types, schema versions, payloads, metadata, ids (fresh,
// repeated or the stored event's) and expected versions, under small limits. Input validation
// (store/validate.cc) and the append rules run as for every backend.
// Checks: append returns a Status and never crashes; on an error the store is unchanged (same
// events, same streams, same chain digest); on success every appended event reads back with its
// payload (or, for a retry of the stored event's id, as the stored event), and the hash chain
// verifies intact. Once the input runs out every choice falls back to
// a valid one, so that short inputs reach the success path too.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "check.h"
#include "es/store/memory_store.h"

namespace {

constexpr es::Limits kLimits{.max_data_bytes = 64,
                             .max_metadata_bytes = 64,
                             .max_events_per_append = 4,
                             .max_stream_name_bytes = 16,
                             .max_type_bytes = 16,
                             .max_tenant_bytes = 8};

const es::Uuid kStoredId = *es::Uuid::parse("0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60");
const es::Uuid kOtherId = *es::Uuid::parse("0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f61");

// Everything a read can see of the store.
struct Contents {
  std::vector<es::RecordedEvent> events;
  std::vector<es::StreamInfo> streams;
  std::string digest;
};

auto key(const es::RecordedEvent& e) {
  return std::tie(e.id, e.stream, e.version, e.position, e.type, e.schema_version, e.data,
                  e.metadata, e.tenant, e.recorded_at);
}

auto key(const es::StreamInfo& s) {
  return std::tie(s.stream, s.state, s.version, s.tenant, s.created_at, s.updated_at);
}

template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (key(a[i]) != key(b[i])) return false;
  }
  return true;
}

Contents contents(es::EventStore& store) {
  auto events = store.read_all({.max_count = es::kUnlimited});
  auto streams = store.list_streams();
  auto report = store.verify();
  FUZZ_CHECK(events && streams && report && report->intact());
  return {std::move(events->events), std::move(*streams), report->digest};
}

es::ExpectedVersion expected_version(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return es::ExpectedVersion::any();
    case 1:
      return es::ExpectedVersion::no_stream();
    case 2:
      return es::ExpectedVersion::stream_exists();
    default:
      return es::ExpectedVersion::exact(in.ConsumeIntegralInRange<std::int64_t>(-2, 3));
  }
}

es::EventData event(FuzzedDataProvider& in) {
  es::EventData e;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      break;  // nil: the store assigns one
    case 1:
      e.id = kStoredId;
      break;
    case 2:
      e.id = kOtherId;
      break;
    default:
      e.id = es::Uuid::v7();
  }
  e.type = in.ConsumeBool() ? in.ConsumeRandomLengthString(24) : "t.Fuzzed";
  e.schema_version = in.ConsumeBool() ? in.ConsumeIntegral<std::int32_t>() : 1;
  e.data = in.ConsumeRandomLengthString(80);
  e.metadata = in.ConsumeBool() ? in.ConsumeRandomLengthString(80) : R"({"actor":"fuzz"})";
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  auto store = es::make_memory_store(kLimits);
  const es::EventData stored{.id = kStoredId, .type = "t.Stored", .data = R"({"n":1})"};
  FUZZ_CHECK(
      store->append("seed-1", es::ExpectedVersion::no_stream(), {&stored, 1}, "ta").has_value());
  const Contents before = contents(*store);

  // Storage first, so that the requests' views stay valid while the vectors are filled.
  const std::size_t requests = in.ConsumeIntegralInRange<std::size_t>(1, 3);
  std::vector<std::string> streams(requests);
  std::vector<std::string> tenants(requests);
  std::vector<std::vector<es::EventData>> events(requests);
  std::vector<es::AppendRequest> batch(requests);
  for (std::size_t r = 0; r < requests; ++r) {
    streams[r] = in.ConsumeBool() ? in.ConsumeRandomLengthString(24) : "seed-1";
    tenants[r] = in.ConsumeBool() ? in.ConsumeRandomLengthString(12) : "ta";
    const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(1, 3);
    for (std::size_t i = 0; i < count; ++i) events[r].push_back(event(in));
    batch[r] = {.stream = streams[r],
                .expected = expected_version(in),
                .events = events[r],
                .tenant = tenants[r]};
  }

  auto result = store->append(batch);
  const Contents after = contents(*store);
  if (!result) {
    FUZZ_CHECK(!result.error().is_ok());
    FUZZ_CHECK(same(after.events, before.events));
    FUZZ_CHECK(same(after.streams, before.streams));
    FUZZ_CHECK(after.digest == before.digest);
    return 0;
  }
  FUZZ_CHECK(result->size() == batch.size());
  for (std::size_t r = 0; r < requests; ++r) {
    const es::AppendResult& appended = (*result)[r];
    FUZZ_CHECK(appended.last_version - appended.first_version + 1 ==
               static_cast<std::int64_t>(events[r].size()));
    auto slice = store->read_stream(streams[r], {.from_version = appended.first_version});
    FUZZ_CHECK(slice && slice->events.size() == events[r].size());
    for (std::size_t i = 0; i < events[r].size(); ++i) {
      const es::RecordedEvent& read = slice->events[i];
      // Idempotency goes by id alone: a retry of the stored event returns it as it was stored.
      if (events[r][i].id == kStoredId) {
        FUZZ_CHECK(read.id == kStoredId && read.type == stored.type);
        continue;
      }
      FUZZ_CHECK(read.type == events[r][i].type && read.data == events[r][i].data &&
                 read.metadata == events[r][i].metadata);
      FUZZ_CHECK(events[r][i].id.is_nil() || read.id == events[r][i].id);
    }
  }
  return 0;
}

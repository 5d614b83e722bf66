// A model check across backends: random sequences of operations give the same observable
// results on the memory backend and on SQLite. Everything a caller can see is compared — status
// codes, conflict details, versions, positions, events, stream info, listings and counts — except
// wall-clock times, which no two stores share.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {

// One operation, as plain numbers so rapidcheck can shrink it; run() gives them meaning.
struct RawOp {
  int kind = 0;
  int a = 0;
  int b = 0;
  int c = 0;
  int d = 0;
};

}  // namespace es::testing

namespace rc {
template <>
struct Arbitrary<es::testing::RawOp> {
  static Gen<es::testing::RawOp> arbitrary() {
    using es::testing::RawOp;
    return gen::build<RawOp>(
        gen::set(&RawOp::kind, gen::inRange(0, 19)), gen::set(&RawOp::a, gen::inRange(0, 100)),
        gen::set(&RawOp::b, gen::inRange(0, 100)), gen::set(&RawOp::c, gen::inRange(0, 100)),
        gen::set(&RawOp::d, gen::inRange(0, 100)));
  }
};
}  // namespace rc

namespace es::testing {
namespace {

const std::vector<std::string> kStreams = {"acc-1", "acc-2", "ord-1", "solo"};
const std::vector<std::string> kTypes = {"x.Opened", "x.Changed"};

ExpectedVersion expected_from(int n) {
  switch (n % 5) {
    case 0:
      return ExpectedVersion::any();
    case 1:
      return ExpectedVersion::no_stream();
    case 2:
      return ExpectedVersion::stream_exists();
    default:
      return ExpectedVersion::exact((n / 5) % 7);
  }
}

std::string describe_status(const Status& s) {
  std::string out(status_code_name(s.code()));
  if (const VersionConflict* c = s.conflict()) {
    out +=
        "(" + c->stream + " expected " + c->expected + " actual " + std::to_string(c->actual) + ")";
  }
  return out;
}

std::string describe_events(const std::vector<RecordedEvent>& events) {
  std::string out;
  for (const RecordedEvent& e : events) {
    out += " [" + e.id.to_string() + " " + e.stream + "@" + std::to_string(e.version) + " pos " +
           e.position.to_string() + " " + e.type + " v" + std::to_string(e.schema_version) + " " +
           e.data + " " + e.metadata + " tenant '" + e.tenant + "']";
  }
  return out;
}

std::string describe_info(const StreamInfo& info) {
  std::string out = info.stream + " " + std::string(stream_state_name(info.state)) + " v" +
                    std::to_string(info.version) + " tenant '" + info.tenant + "'";
  if (info.retention.max_count) out += " max_count " + std::to_string(*info.retention.max_count);
  out += " tb " + std::to_string(info.retention.truncate_before);
  return out;
}

template <typename T, typename Describe>
std::string describe_result(const Result<T>& r, Describe&& describe) {
  return r ? "ok " + describe(*r) : describe_status(r.error());
}

std::string describe_append(const AppendResult& r) {
  return std::to_string(r.first_version) + ".." + std::to_string(r.last_version) + " @" +
         r.first_position.to_string() + ".." + r.last_position.to_string();
}

// Runs the same operations on one store, recording every observable outcome as text.
class Runner {
 public:
  explicit Runner(EventStore& store) : store_(store) {}

  std::string run(const RawOp& op) {
    const std::string& stream = kStreams[static_cast<std::size_t>(op.a) % kStreams.size()];
    switch (op.kind) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 14:
      case 15:
      case 16:
      case 17: {  // append fresh events, or replay/partially replay an earlier append
        std::vector<EventData> events;
        if (op.kind == 3 && !history_.empty()) {
          events = history_[static_cast<std::size_t>(op.c) % history_.size()];
          if (op.d % 3 == 0) events.push_back(event(kTypes[0], "{}"));  // partial duplicate
        } else {
          events = events_for(op);
        }
        const std::string tenant = op.d % 13 == 0 ? "t" : "";
        return "append " + stream + " " + expected_from(op.b).to_string() + ": " +
               describe_result(store_.append(stream, expected_from(op.b), events, tenant),
                               describe_append);
      }
      case 4: {  // a batch over two streams
        const std::string& other =
            kStreams[static_cast<std::size_t>(op.a + 1 + op.d % 3) % kStreams.size()];
        const auto first = events_for(op);
        const auto second = events_for({op.kind, op.b, op.c, op.d, op.a});
        auto r =
            store_.append({{.stream = stream, .expected = expected_from(op.b), .events = first},
                           {.stream = other, .expected = expected_from(op.c), .events = second}});
        return "batch: " + describe_result(r, [](const std::vector<AppendResult>& rs) {
                 std::string out;
                 for (const auto& x : rs) out += describe_append(x) + "; ";
                 return out;
               });
      }
      case 5:
        return "delete " + stream + ": " +
               describe_status(store_.delete_stream(stream, expected_from(op.b)));
      case 6:
        if (op.d % 3 != 0) {  // tombstones are final: keep them rarer than other writes
          return "delete " + stream + ": " +
                 describe_status(store_.delete_stream(stream, ExpectedVersion::any()));
        }
        return "tombstone " + stream + ": " +
               describe_status(store_.tombstone_stream(
                   stream, op.b % 4 == 0 ? expected_from(op.c) : ExpectedVersion::any()));
      case 7: {
        Retention retention;
        if (op.b % 2 == 0) retention.max_count = static_cast<std::uint64_t>(op.c % 5);
        retention.truncate_before = op.d % 4 == 0 ? op.c % 6 : 0;
        return "retention " + stream + ": " +
               describe_status(store_.set_retention(stream, retention));
      }
      case 8: {
        ReadStreamOptions options;
        if (op.b % 3 != 0) options.from_version = op.b % 9;
        options.direction = op.c % 2 == 0 ? Direction::kForward : Direction::kBackward;
        options.max_count = op.d % 4 == 0 ? kUnlimited : static_cast<std::uint64_t>(op.d % 5);
        return "read_stream " + stream + ": " +
               describe_result(store_.read_stream(stream, options), [](const StreamSlice& s) {
                 return (s.end ? "end" : "next " + std::to_string(s.next_version)) +
                        describe_events(s.events);
               });
      }
      case 9: {
        ReadAllOptions options;
        options.from = Position(0, static_cast<std::uint64_t>(op.b % 12));
        options.max_count = static_cast<std::uint64_t>(1 + op.c % 6);
        switch (op.d % 5) {
          case 1:
            options.filter.types = {kTypes[static_cast<std::size_t>(op.a) % kTypes.size()]};
            break;
          case 2:
            options.filter.categories = {op.a % 2 == 0 ? "acc" : "solo"};
            break;
          case 3:
            options.filter.stream_prefix = op.a % 2 == 0 ? "acc-" : "ord";
            break;
          case 4:
            options.filter.tenant = op.a % 2 == 0 ? "t" : "";
            break;
          default:
            break;
        }
        return "read_all: " + describe_result(store_.read_all(options), [](const AllSlice& s) {
                 return (s.end ? "end " : "more ") + s.next.to_string() + describe_events(s.events);
               });
      }
      case 10:
        return "info: " + describe_result(store_.stream_info(stream), describe_info);
      case 11: {
        ListStreamsOptions options;
        if (op.b % 3 == 1)
          options.after = kStreams[static_cast<std::size_t>(op.c) % kStreams.size()];
        if (op.b % 3 == 2) options.prefix = op.c % 2 == 0 ? "acc" : "o";
        options.max_count = op.d % 3 == 0 ? 1000 : static_cast<std::uint64_t>(op.d % 4);
        return "list: " + describe_result(store_.list_streams(options),
                                          [](const std::vector<StreamInfo>& list) {
                                            std::string out;
                                            for (const auto& i : list)
                                              out += describe_info(i) + "; ";
                                            return out;
                                          });
      }
      case 12:
        return "stats: " + describe_result(store_.stats(), [](const StoreStats& s) {
                 return std::to_string(s.events) + " events, " + std::to_string(s.streams) +
                        " streams, " + std::to_string(s.live_streams) + " live, " +
                        std::to_string(s.deleted_streams) + " deleted, " +
                        std::to_string(s.tombstoned_streams) + " tombstoned";
               });
      default:
        return "head: " + describe_result(store_.head_position(),
                                          [](const Position& p) { return p.to_string(); });
    }
  }

 private:
  // An event with the runner's next id: ids come from a counter, so two runners given the same
  // operations make the same events.
  EventData event(const std::string& type, std::string data) {
    Uuid::Bytes bytes{};
    bytes[0] = 0x01;
    for (std::size_t i = 0; i < 8; ++i)
      bytes[15 - i] = static_cast<std::uint8_t>(next_id_ >> (8 * i));
    ++next_id_;
    return EventData{.id = Uuid(bytes), .type = type, .data = std::move(data)};
  }

  // Fresh events for `op`, remembered so later operations can replay them.
  std::vector<EventData> events_for(const RawOp& op) {
    std::vector<EventData> events;
    for (int i = 0; i <= op.c % 3; ++i) {
      EventData e = event(kTypes[static_cast<std::size_t>(op.d + i) % kTypes.size()],
                          "{\"i\":" + std::to_string(i) + "}");
      if (op.d % 11 == 0) e.schema_version = 2;
      events.push_back(std::move(e));
    }
    history_.push_back(events);
    return events;
  }

  EventStore& store_;
  std::vector<std::vector<EventData>> history_;
  std::uint64_t next_id_ = 1;
};

RC_GTEST_PROP(BackendModel, MemoryAndSqliteAgreeOnEveryOperation, (const std::vector<RawOp>& ops)) {
  TempDir dir;
  SqliteOptions options;
  options.synchronous = SqliteOptions::Synchronous::kOff;  // durability is not under test here
  auto sqlite = open_sqlite(dir.file("model.db"), options);
  RC_ASSERT(sqlite.has_value());
  auto memory = make_memory_store();
  Runner on_memory(*memory);
  Runner on_sqlite(**sqlite);
  std::ostringstream trace;
  for (const RawOp& op : ops) {
    const std::string expected = on_memory.run(op);
    const std::string actual = on_sqlite.run(op);
    trace << expected << "\n";
    if (expected != actual) {
      RC_FAIL("backends disagree\nmemory: " + expected + "\nsqlite: " + actual + "\nafter:\n" +
              trace.str());
    }
  }
}

}  // namespace
}  // namespace es::testing

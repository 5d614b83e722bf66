#include "conformance/backends.h"

#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "es/store/tracing.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

// Makes a span for every operation and checks each one ends exactly once.
class CheckingTracer final : public Tracer {
 public:
  std::unique_ptr<Span> start(const SpanStart& start) override {
    EXPECT_FALSE(start.operation.empty());
    return std::make_unique<CheckedSpan>();
  }

 private:
  class CheckedSpan final : public Span {
   public:
    ~CheckedSpan() override { EXPECT_TRUE(ended_) << "a span was never ended"; }
    void end(const Status& /*status*/, std::uint64_t /*events*/) override {
      EXPECT_FALSE(ended_) << "a span was ended twice";
      ended_ = true;
    }

   private:
    bool ended_ = false;
  };
};

}  // namespace

const std::vector<Backend>& backends() {
  static const std::vector<Backend> kBackends = {
      {"memory", "memory",
       [](const TempDir&, const Limits& limits) { return make_memory_store(limits); }},
      // The tracing handle must change no result, so it passes the whole suite over a store.
      {"traced", "memory",
       [](const TempDir&, const Limits& limits) -> std::unique_ptr<EventStore> {
         auto store = trace_store(make_memory_store(limits), std::make_shared<CheckingTracer>());
         if (!store) return nullptr;
         return std::move(*store);
       }},
      {"sqlite", "sqlite",
       [](const TempDir& dir, const Limits& limits) -> std::unique_ptr<EventStore> {
         // The default options (synchronous=FULL) are what users get, so they are what is tested.
         SqliteOptions options;
         options.limits = limits;
         auto store = open_sqlite(dir.file("events.db"), options);
         EXPECT_TRUE(store.has_value()) << store.error().to_string();
         if (!store) return nullptr;
         return std::move(*store);
       }},
      {"postgres", "postgres",
       [](const TempDir&, const Limits& limits) {
         PostgresOptions options;
         options.limits = limits;
         return open_test_postgres(options);
       }},
  };
  return kBackends;
}

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

AppendResult StoreTest::append_events(std::string_view stream, std::size_t count,
                                      std::string_view type, std::string_view tenant) {
  const auto events = make_events(count, type);
  auto result = store().append(stream, ExpectedVersion::any(), events, tenant);
  EXPECT_TRUE(result.has_value()) << stream << ": " << result.error().to_string();
  return result.value_or(AppendResult{});
}

void StoreTest::make_live(std::string_view stream, std::int64_t version) {
  append_events(stream, static_cast<std::size_t>(version));
}

void StoreTest::make_soft_deleted(std::string_view stream, std::int64_t version) {
  make_live(stream, version);
  const Status s = store().delete_stream(stream);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

void StoreTest::make_tombstoned(std::string_view stream, std::int64_t version) {
  if (version > 0) make_live(stream, version);
  const Status s = store().tombstone_stream(stream);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

}  // namespace es::testing

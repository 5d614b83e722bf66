#include "es/store/tracing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "es/store/log_tracer.h"
#include "es/store/memory_store.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es {
namespace {

using testing::make_event;
using testing::make_events;

constexpr std::string_view kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// One finished span as the tracer saw it.
struct Recorded {
  std::string operation;
  std::string stream;
  std::uint64_t streams = 0;
  std::string parent;  // the parent's traceparent, or empty
  StatusCode code = StatusCode::kOk;
  std::uint64_t events = 0;
};

class RecordingTracer final : public Tracer {
 public:
  std::unique_ptr<Span> start(const SpanStart& start) override {
    Recorded r{.operation = std::string(start.operation),
               .stream = std::string(start.stream),
               .streams = start.streams,
               .parent = start.parent ? start.parent->to_string() : ""};
    return std::make_unique<RecordingSpan>(*this, std::move(r));
  }

  std::vector<Recorded> spans() {
    const std::lock_guard lock(mutex_);
    return spans_;
  }

 private:
  class RecordingSpan final : public Span {
   public:
    RecordingSpan(RecordingTracer& tracer, Recorded r) : tracer_(tracer), r_(std::move(r)) {}
    void end(const Status& status, std::uint64_t events) override {
      r_.code = status.code();
      r_.events = events;
      const std::lock_guard lock(tracer_.mutex_);
      tracer_.spans_.push_back(r_);
    }

   private:
    RecordingTracer& tracer_;
    Recorded r_;
  };

  std::mutex mutex_;
  std::vector<Recorded> spans_;
};

class Tracing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = trace_store(*inner_, tracer_);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    store_ = std::move(*store);
  }

  // The one span recorded since the last call, which must be `operation`.
  Recorded only_span(std::string_view operation) {
    auto spans = tracer_->spans();
    EXPECT_EQ(spans.size(), seen_ + 1) << "expected one new span for " << operation;
    if (spans.size() != seen_ + 1) return {};
    seen_ = spans.size();
    EXPECT_EQ(spans.back().operation, operation);
    return spans.back();
  }

  std::unique_ptr<EventStore> inner_ = make_memory_store();
  std::shared_ptr<RecordingTracer> tracer_ = std::make_shared<RecordingTracer>();
  std::unique_ptr<EventStore> store_;
  std::size_t seen_ = 0;
};

TEST_F(Tracing, AnAppendReportsItsStreamAndEvents) {
  const auto events = make_events(3);
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::no_stream(), events));
  const Recorded span = only_span("append");
  EXPECT_EQ(span.stream, "order-1");
  EXPECT_EQ(span.streams, 1U);
  EXPECT_EQ(span.events, 3U);
  EXPECT_EQ(span.code, StatusCode::kOk);
  EXPECT_TRUE(span.parent.empty());
}

TEST_F(Tracing, AFailedAppendReportsItsStatusAndNoEvents) {
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::any(), make_events(1)));
  only_span("append");
  auto conflict = store_->append("order-1", ExpectedVersion::no_stream(), make_events(2));
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().code(), StatusCode::kConflict);
  const Recorded span = only_span("append");
  EXPECT_EQ(span.code, StatusCode::kConflict);
  EXPECT_EQ(span.events, 0U);
  EXPECT_EQ(inner_->stream_info("order-1")->version, 1);
}

TEST_F(Tracing, InvalidInputIsRefusedBeforeAnySpan) {
  EXPECT_FALSE(store_->append("", ExpectedVersion::any(), make_events(1)).has_value());
  EXPECT_TRUE(tracer_->spans().empty());
}

TEST_F(Tracing, ABatchReportsItsFirstStreamAndEveryEvent) {
  const auto a = make_events(2);
  const auto b = make_events(3);
  ASSERT_TRUE(store_->append({{"a", ExpectedVersion::any(), a}, {"b", ExpectedVersion::any(), b}}));
  const Recorded span = only_span("append");
  EXPECT_EQ(span.stream, "a");
  EXPECT_EQ(span.streams, 2U);
  EXPECT_EQ(span.events, 5U);
}

TEST_F(Tracing, AnAppendJoinsTheTraceOfItsEventsMetadata) {
  std::vector<EventData> events = make_events(2);
  events[1].metadata = R"({"actor":"ada","traceparent":")" + std::string(kTraceparent) + R"("})";
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::any(), events));
  EXPECT_EQ(only_span("append").parent, kTraceparent);

  events = make_events(1);
  events[0].metadata = R"({"traceparent":"00-not-a-trace"})";
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::any(), events));
  EXPECT_TRUE(only_span("append").parent.empty());
}

TEST_F(Tracing, ReadsReportTheEventsTheyRead) {
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::any(), make_events(5)));
  only_span("append");
  ASSERT_EQ(store_->read_stream("order-1", {.max_count = 4})->events.size(), 4U);
  const Recorded read = only_span("read_stream");
  EXPECT_EQ(read.stream, "order-1");
  EXPECT_EQ(read.events, 4U);
  ASSERT_EQ(store_->read_all()->events.size(), 5U);
  EXPECT_EQ(only_span("read_all").events, 5U);
  // A visitor that stops early: the span counts what it was given.
  std::uint64_t visited = 0;
  ASSERT_TRUE(
      store_->visit_stream("order-1", {}, [&](const RecordedEvent&) { return ++visited < 2; })
          .is_ok());
  EXPECT_EQ(only_span("read_stream").events, 2U);
  ASSERT_TRUE(store_->tombstone_stream("order-1").is_ok());
  only_span("tombstone_stream");
  EXPECT_EQ(store_->read_stream("order-1").error().code(), StatusCode::kStreamDeleted);
  EXPECT_EQ(only_span("read_stream").code, StatusCode::kStreamDeleted);
}

TEST_F(Tracing, EveryOtherOperationHasItsSpanButTheHeadIsNotTraced) {
  ASSERT_TRUE(store_->append("order-1", ExpectedVersion::any(), make_events(2)));
  only_span("append");
  ASSERT_TRUE(store_->head_position());
  ASSERT_TRUE(store_->stream_info("order-1"));
  EXPECT_EQ(only_span("stream_info").stream, "order-1");
  ASSERT_TRUE(store_->list_streams());
  only_span("list_streams");
  ASSERT_TRUE(store_->stats());
  only_span("stats");
  ASSERT_TRUE(store_->set_retention("order-1", {.max_count = 1}).is_ok());
  only_span("set_retention");
  auto report = store_->verify();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(only_span("verify").stream.empty());
  ASSERT_TRUE(store_->delete_stream("order-1").is_ok());
  only_span("delete_stream");
  EXPECT_EQ(store_->delete_stream("absent").code(), StatusCode::kNotFound);
  EXPECT_EQ(only_span("delete_stream").code, StatusCode::kNotFound);
}

TEST_F(Tracing, AnImportReportsItsStreamsAndEvents) {
  const auto events = make_events(3);
  const std::vector<AppendRequest> requests{{"a", ExpectedVersion::no_stream(), events}};
  const std::vector<ImportGroup> groups{{.requests = requests, .recorded_at = now()}};
  auto imported = store_->import(groups);
  ASSERT_TRUE(imported.has_value()) << imported.error().to_string();
  const Recorded span = only_span("import");
  EXPECT_EQ(span.streams, 1U);
  EXPECT_EQ(span.events, 3U);
}

TEST_F(Tracing, ConcurrentAppendsEachEndTheirSpanOnce) {
  constexpr int kThreads = 4;
  constexpr int kAppends = 200;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const auto events = make_events(1);
        EXPECT_TRUE(store_->append("s-" + std::to_string(t), ExpectedVersion::any(), events));
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(tracer_->spans().size(), static_cast<std::size_t>(kThreads * kAppends));
}

// A tracer that traces nothing.
class SilentTracer final : public Tracer {
 public:
  std::unique_ptr<Span> start(const SpanStart& /*start*/) override { return nullptr; }
};

TEST(TraceStore, ATracerMayDeclineSpans) {
  auto store = trace_store(make_memory_store(), std::make_shared<SilentTracer>());
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE((*store)->append("a", ExpectedVersion::any(), make_events(2)));
  EXPECT_EQ((*store)->read_stream("a")->events.size(), 2U);
}

TEST(TraceStore, ANullTracerOrStoreIsRefused) {
  auto no_tracer = trace_store(make_memory_store(), nullptr);
  ASSERT_FALSE(no_tracer.has_value());
  EXPECT_EQ(no_tracer.error().code(), StatusCode::kInvalidArgument);
  auto no_store = trace_store(std::unique_ptr<EventStore>(), std::make_shared<SilentTracer>());
  ASSERT_FALSE(no_store.has_value());
  EXPECT_EQ(no_store.error().code(), StatusCode::kInvalidArgument);
}

std::vector<nlohmann::json> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(LogTracer, WritesOneJsonLinePerOperation) {
  testing::TempDir dir;
  const std::string path = dir.file("trace.ndjson");
  {
    auto tracer = LogTracer::open(path);
    ASSERT_TRUE(tracer.has_value()) << tracer.error().to_string();
    auto store = trace_store(make_memory_store(), *tracer);
    ASSERT_TRUE(store.has_value());
    EventData traced = make_event();
    traced.metadata = R"({"traceparent":")" + std::string(kTraceparent) + R"("})";
    ASSERT_TRUE((*store)->append("order-1", ExpectedVersion::no_stream(), {&traced, 1}));
    ASSERT_FALSE((*store)->append("order-1", ExpectedVersion::no_stream(), make_events(1)));
    ASSERT_TRUE((*store)->read_all());
  }
  const auto lines = read_lines(path);
  ASSERT_EQ(lines.size(), 3U);
  const auto& append = lines[0];
  EXPECT_EQ(append["operation"], "append");
  EXPECT_EQ(append["stream"], "order-1");
  EXPECT_EQ(append["events"], 1);
  EXPECT_EQ(append["status"], "ok");
  EXPECT_EQ(append["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(append["parent_id"], "00f067aa0ba902b7");
  EXPECT_EQ(append["span_id"].get<std::string>().size(), 16U);
  EXPECT_NE(append["span_id"], "00f067aa0ba902b7");
  EXPECT_TRUE(append["micros"].is_number_integer());
  EXPECT_TRUE(parse_time(append["time"].get<std::string>()).has_value());

  const auto& conflict = lines[1];
  EXPECT_EQ(conflict["status"], std::string(status_code_name(StatusCode::kConflict)));
  EXPECT_FALSE(conflict["message"].get<std::string>().empty());
  EXPECT_FALSE(conflict.contains("parent_id"));
  EXPECT_NE(conflict["trace_id"], append["trace_id"]);

  EXPECT_EQ(lines[2]["operation"], "read_all");
  EXPECT_FALSE(lines[2].contains("stream"));
  EXPECT_EQ(lines[2]["events"], 1);
}

TEST(LogTracer, AnUnopenableFileIsNamed) {
  auto tracer = LogTracer::open("/nonexistent-dir/trace.ndjson");
  ASSERT_FALSE(tracer.has_value());
  EXPECT_EQ(tracer.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(tracer.error().message().find("/nonexistent-dir/trace.ndjson"), std::string::npos);
}

}  // namespace
}  // namespace es

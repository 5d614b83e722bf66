// The HTTP API of `es serve` (docs/http.md), driven by a real HTTP client against a server on an
// ephemeral 127.0.0.1 port over a fresh SQLite store.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth.h"
#include "rate_limit.h"
#include "server.h"
#include "support/temp_dir.h"

namespace es::serve {
namespace {

using nlohmann::json;

class ServeTest : public ::testing::Test {
 protected:
  // Starts a server; FAILS the test (never skips) when it cannot.
  void start(ServeOptions options = {}) {
    options.db = dir_.file("events.db");
    options.port = 0;
    options.threads = 8;
    auto server = Server::open(options);
    ASSERT_TRUE(server) << server.error().to_string();
    server_ = std::move(*server);
    const Status started = server_->start();
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  std::string tokens_file(const std::string& text) {
    const std::string path = dir_.file("tokens.txt");
    std::ofstream(path) << text;
    return path;
  }

  httplib::Result post(const std::string& path, const json& body, const std::string& token = {}) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post(path.c_str(), headers, body.dump(), "application/json");
  }
  httplib::Result get(const std::string& path, const std::string& token = {}) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Get(path.c_str(), headers);
  }
  static json body_of(const httplib::Result& r) { return json::parse(r->body); }

  static json event(const std::string& type, const json& data, const std::string& id = {}) {
    json e{{"type", type}, {"data", data}};
    if (!id.empty()) e["id"] = id;
    return e;
  }

  es::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServeTest, AppendsReadsAndReportsConflicts) {
  start();
  auto r = post(
      "/api/streams/order-1",
      {{"expected", "no_stream"}, {"events", {event("Placed", {{"n", 1}}), event("Paid", {})}}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_of(r)["first_version"], 1);
  EXPECT_EQ(body_of(r)["last_version"], 2);
  EXPECT_EQ(body_of(r)["stream"], "order-1");

  r = post("/api/streams/order-1", {{"expected", 0}, {"events", {event("Placed", {})}}});
  ASSERT_EQ(r->status, 409) << r->body;
  const json error = body_of(r)["error"];
  EXPECT_EQ(error["code"], "conflict");
  EXPECT_EQ(error["expected"], "no-stream");
  EXPECT_EQ(error["actual"], 2);

  r = get("/api/streams/order-1");
  ASSERT_EQ(r->status, 200);
  const json events = body_of(r)["events"];
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["type"], "Placed");
  EXPECT_EQ(events[0]["data"], json({{"n", 1}}));
  EXPECT_EQ(events[1]["version"], 2);
  EXPECT_TRUE(body_of(r)["next"].is_null());

  r = get("/api/streams/order-1?direction=backward&limit=1");
  EXPECT_EQ(body_of(r)["events"][0]["version"], 2);
  EXPECT_EQ(body_of(r)["next"], 1);
}

TEST_F(ServeTest, ReappendingTheSameIdsReturnsTheOriginalResult) {
  start();
  const json body{{"expected", "any"},
                  {"events", {event("Placed", {}, "0190f4a0-0000-7000-8000-000000000001")}}};
  auto first = post("/api/streams/order-2", body);
  ASSERT_EQ(first->status, 200) << first->body;
  auto again = post("/api/streams/order-2", body);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(body_of(first), body_of(again));
  EXPECT_EQ(body_of(get("/api/streams/order-2"))["events"].size(), 1U);

  auto elsewhere = post("/api/streams/order-3", body);
  EXPECT_EQ(elsewhere->status, 409);
  EXPECT_EQ(body_of(elsewhere)["error"]["code"], "already_exists");
}

TEST_F(ServeTest, BatchIsAllOrNothing) {
  start();
  ASSERT_EQ(post("/api/streams/b-1", {{"events", {event("A", {})}}})->status, 200);
  auto r = post("/api/batch",
                {{"appends",
                  {{{"stream", "b-2"}, {"expected", "no_stream"}, {"events", {event("A", {})}}},
                   {{"stream", "b-1"}, {"expected", "no_stream"}, {"events", {event("A", {})}}}}}});
  ASSERT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(body_of(get("/api/streams/b-2"))["events"].size(), 0U);

  r = post("/api/batch",
           {{"appends",
             {{{"stream", "b-2"}, {"expected", "no_stream"}, {"events", {event("A", {})}}},
              {{"stream", "b-1"}, {"expected", 1}, {"events", {event("B", {})}}}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  const json results = body_of(r)["results"];
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0]["stream"], "b-2");
  EXPECT_EQ(results[1]["last_version"], 2);
}

TEST_F(ServeTest, TheTraceparentHeaderGoesIntoEventsThatNameNone) {
  start();
  const std::string header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const std::string own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  json with_metadata = event("B", {});
  with_metadata["metadata"] = {{"actor", "ada"}};
  json with_own = event("C", {});
  with_own["metadata"] = {{"traceparent", own}};
  const httplib::Headers headers{{"traceparent", header}};
  auto r = client_->Post("/api/streams/t-1", headers,
                         json{{"events", {event("A", {}), with_metadata, with_own}}}.dump(),
                         "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  // An invalid header is ignored, as the specification asks of a receiver.
  r = client_->Post("/api/streams/t-1", {{"traceparent", "00-bad"}},
                    json{{"events", {event("D", {})}}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;

  const json events = body_of(get("/api/streams/t-1"))["events"];
  ASSERT_EQ(events.size(), 4U);
  EXPECT_EQ(events[0]["metadata"], json({{"traceparent", header}}));
  EXPECT_EQ(events[1]["metadata"], json({{"actor", "ada"}, {"traceparent", header}}));
  EXPECT_EQ(events[2]["metadata"], json({{"traceparent", own}}));
  EXPECT_FALSE(events[3]["metadata"].contains("traceparent")) << events[3];
}

TEST_F(ServeTest, ReadAllFiltersAndPages) {
  start();
  for (const char* stream : {"account-1", "order-1", "account-2"}) {
    ASSERT_EQ(post(std::string("/api/streams/") + stream,
                   {{"events", {event("Opened", {}), event("Noted", {})}}})
                  ->status,
              200);
  }
  auto r = get("/api/all?category=account&type=Opened");
  ASSERT_EQ(r->status, 200) << r->body;
  json events = body_of(r)["events"];
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["stream"], "account-1");
  EXPECT_EQ(events[1]["stream"], "account-2");

  r = get("/api/all?limit=4");
  ASSERT_EQ(body_of(r)["events"].size(), 4U);
  r = get("/api/all?after=" + body_of(r)["next"].get<std::string>());
  events = body_of(r)["events"];
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["stream"], "account-2");
  EXPECT_TRUE(body_of(r)["end"].get<bool>());

  r = get("/api/streams?category=account&limit=1");
  ASSERT_EQ(body_of(r)["streams"].size(), 1U);
  EXPECT_EQ(body_of(r)["next"], "account-1");
  r = get("/api/streams?category=account&after=account-1");
  ASSERT_EQ(body_of(r)["streams"].size(), 1U);
  EXPECT_EQ(body_of(r)["streams"][0]["stream"], "account-2");

  EXPECT_EQ(get("/api/all?after=banana")->status, 400);
  EXPECT_EQ(body_of(get("/api/stats"))["events"], 6);
}

// Reads Server-Sent Events until `count` events arrived; `on_event` runs after each one.
std::vector<json> subscribe(httplib::Client& client, const std::string& path,
                            const httplib::Headers& headers, std::size_t count,
                            const std::function<void(std::size_t)>& on_event = {}) {
  std::vector<json> events;
  std::string buffer;
  client.Get(path, headers, [&](const char* data, std::size_t length) {
    buffer.append(data, length);
    for (std::size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
      const std::string frame = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      const std::size_t data_at = frame.find("data: ");
      if (data_at == std::string::npos) continue;
      json e = json::parse(frame.substr(data_at + 6));
      EXPECT_NE(frame.find("id: " + e["position"].get<std::string>() + "\n"), std::string::npos);
      events.push_back(std::move(e));
      if (on_event) on_event(events.size());
    }
    return events.size() < count;
  });
  return events;
}

TEST_F(ServeTest, SubscriptionDeliversCatchUpThenLiveAndResumesFromLastEventId) {
  start();
  ASSERT_EQ(post("/api/streams/s-1", {{"events", {event("A", {}), event("B", {})}}})->status, 200);
  httplib::Client sse("127.0.0.1", server_->port());
  // After the two stored events, a third is appended while the subscription is live.
  const auto events = subscribe(sse, "/api/subscribe", {}, 3, [&](std::size_t n) {
    if (n == 2) {
      ASSERT_EQ(post("/api/streams/s-2", {{"events", {event("C", {})}}})->status, 200);
    }
  });
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0]["type"], "A");
  EXPECT_EQ(events[2]["type"], "C");
  EXPECT_EQ(events[2]["stream"], "s-2");

  const auto resumed = subscribe(sse, "/api/subscribe",
                                 {{"Last-Event-ID", events[0]["position"].get<std::string>()}}, 2);
  ASSERT_EQ(resumed.size(), 2U);
  EXPECT_EQ(resumed[0]["type"], "B");
  EXPECT_EQ(resumed[1]["type"], "C");

  const auto filtered = subscribe(sse, "/api/subscribe?type=C", {}, 1);
  ASSERT_EQ(filtered.size(), 1U);
  EXPECT_EQ(filtered[0]["type"], "C");
}

TEST_F(ServeTest, TokensGateRolesAndTenants) {
  ServeOptions options;
  options.tokens = tokens_file(
      "# token role tenant\nr0 read\nw0 write\nadm admin\nacme-w write acme\nglobex-r read "
      "globex\n");
  start(options);
  auto r = get("/api/streams");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(body_of(r)["error"]["code"], "unauthorized");
  EXPECT_EQ(get("/api/streams", "nope")->status, 401);
  EXPECT_EQ(get("/api/streams", "r0")->status, 200);
  r = post("/api/streams/x-1", {{"events", {event("A", {})}}}, "r0");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(body_of(r)["error"]["code"], "forbidden");
  EXPECT_EQ(get("/api/streams/x-1", "r0")->status, 200);
  EXPECT_TRUE(body_of(get("/api/streams/x-1", "r0"))["events"].empty());
  EXPECT_EQ(get("/metrics", "w0")->status, 403);
  EXPECT_EQ(get("/metrics", "adm")->status, 200);
  EXPECT_EQ(get("/api/streams?access_token=r0")->status, 200);

  ASSERT_EQ(post("/api/streams/x-1", {{"events", {event("A", {})}}}, "w0")->status, 200);
  ASSERT_EQ(post("/api/streams/acme-1", {{"events", {event("A", {})}}}, "acme-w")->status, 200);
  // The tenant-scoped token sees only its tenant's streams, and cannot write another's.
  const json streams = body_of(get("/api/streams", "acme-w"))["streams"];
  ASSERT_EQ(streams.size(), 1U);
  EXPECT_EQ(streams[0]["stream"], "acme-1");
  EXPECT_EQ(streams[0]["tenant"], "acme");
  EXPECT_EQ(post("/api/streams/x-1", {{"events", {event("B", {})}}}, "acme-w")->status, 403);
  EXPECT_TRUE(body_of(get("/api/streams/acme-1", "globex-r"))["events"].empty());
  EXPECT_EQ(body_of(get("/api/all", "globex-r"))["events"].size(), 0U);
  EXPECT_EQ(get("/api/projections", "acme-w")->status, 403);
  EXPECT_EQ(body_of(get("/api/all", "r0"))["events"].size(), 2U);
}

TEST_F(ServeTest, RefusedRequestsLeaveTheStoreUnchanged) {
  ServeOptions options;
  options.max_body_bytes = 4096;
  options.max_events_per_request = 3;
  start(options);
  auto r = post("/api/streams/l-1", {{"events", {event("A", {{"pad", std::string(5000, 'x')}})}}});
  ASSERT_EQ(r->status, 413);
  EXPECT_EQ(body_of(r)["error"]["code"], "too_large");
  json four = json::array();
  for (int i = 0; i < 4; ++i) four.push_back(event("A", {}));
  r = post("/api/streams/l-1", {{"events", four}});
  ASSERT_EQ(r->status, 413) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "too_large");
  r = post("/api/batch", {{"appends",
                           {{{"stream", "l-2"}, {"events", {event("A", {}), event("A", {})}}},
                            {{"stream", "l-3"}, {"events", {event("A", {}), event("A", {})}}}}}});
  EXPECT_EQ(r->status, 413);
  r = post("/api/streams/l-1", {{"events", {event("A", {}), event("bad type!", {})}}});
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body_of(r)["error"]["code"], "invalid_argument");
  r = client_->Post("/api/streams/l-1", "{not json", "application/json");
  EXPECT_EQ(r->status, 400);
  json misplaced = event("A", {});
  misplaced["stream"] = "elsewhere";
  r = post("/api/streams/l-1", {{"events", {misplaced}}});
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body_of(get("/api/stats"))["events"], 0);
  EXPECT_EQ(body_of(get("/api/nowhere"))["error"]["code"], "not_found");
}

TEST_F(ServeTest, MetricsCountAppendsConflictsReadsAndStatuses) {
  start();
  ASSERT_EQ(post("/api/streams/m-1", {{"events", {event("A", {}), event("B", {})}}})->status, 200);
  ASSERT_EQ(post("/api/streams/m-1", {{"expected", 0}, {"events", {event("A", {})}}})->status, 409);
  ASSERT_EQ(get("/api/streams/m-1")->status, 200);
  const std::string text = get("/metrics")->body;
  EXPECT_NE(text.find("es_appends_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("es_appended_events_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("es_append_conflicts_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("es_events_read_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("es_append_duration_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("es_http_requests_total{status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("es_http_requests_total{status=\"409\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE es_subscription_lag_events gauge"), std::string::npos);
  EXPECT_NE(text.find("# TYPE es_dead_letters gauge"), std::string::npos);
}

TEST_F(ServeTest, OpenApiNamesEveryRoute) {
  start();
  auto r = get("/openapi.json");
  ASSERT_EQ(r->status, 200);
  const json doc = body_of(r);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const json& paths = doc["paths"];
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {"/api/streams/{stream}", "post"},
           {"/api/streams/{stream}", "get"},
           {"/api/batch", "post"},
           {"/api/streams", "get"},
           {"/api/all", "get"},
           {"/api/subscribe", "get"},
           {"/api/stats", "get"},
           {"/api/projections", "get"},
           {"/api/dlq", "get"},
           {"/api/aggregates", "get"},
           {"/api/aggregates/{name}/{id}/history", "get"},
           {"/metrics", "get"},
           {"/openapi.json", "get"},
           {"/healthz", "get"},
           {"/", "get"}}) {
    EXPECT_TRUE(paths.contains(path) && paths[path].contains(method)) << method << " " << path;
  }
  EXPECT_EQ(body_of(get("/healthz"))["status"], "ok");
  EXPECT_TRUE(body_of(get("/api/projections"))["projections"].empty());
  EXPECT_TRUE(body_of(get("/api/dlq"))["dead_letters"].empty());
}

TEST_F(ServeTest, AggregateHistoryFoldsTheBankAccount) {
  start();
  auto r = post("/api/streams/account-7",
                {{"events",
                  {event("bank.AccountOpened", {{"owner", "ada"}, {"overdraft_cents", 0}}),
                   event("bank.MoneyDeposited", {{"cents", 500}}),
                   event("bank.MoneyWithdrawn", {{"cents", 200}})}}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_of(get("/api/aggregates")),
            json::array({{{"name", "account"}, {"category", "account"}}}));
  r = get("/api/aggregates/account/7/history");
  ASSERT_EQ(r->status, 200) << r->body;
  const json history = body_of(r);
  EXPECT_EQ(history["stream"], "account-7");
  const json& steps = history["steps"];
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_EQ(steps[0]["state"]["owner_"], "ada");
  EXPECT_EQ(steps[0]["state"]["balance_"], 0);
  EXPECT_EQ(steps[1]["state"]["balance_"], 500);
  EXPECT_EQ(steps[2]["state"]["balance_"], 300);
  EXPECT_EQ(steps[2]["version"], 3);
  EXPECT_EQ(steps[2]["event"]["type"], "bank.MoneyWithdrawn");
  EXPECT_EQ(get("/api/aggregates/account/8/history")->status, 404);
  EXPECT_EQ(get("/api/aggregates/nope/7/history")->status, 404);
}

TEST_F(ServeTest, SubscriptionsBeyondTheLimitAre503AndLeaveWorkersForTheApi) {
  ServeOptions options;
  options.max_subscribers = 1;
  start(options);
  ASSERT_EQ(post("/api/streams/s-1", {{"events", {event("A", {})}}})->status, 200);
  httplib::Client sse("127.0.0.1", server_->port());
  const auto events = subscribe(sse, "/api/subscribe", {}, 1, [&](std::size_t) {
    httplib::Client second("127.0.0.1", server_->port());
    const auto refused = second.Get("/api/subscribe");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    EXPECT_EQ(body_of(refused)["error"]["code"], "unavailable");
    EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
    // The API still answers while the subscription holds its worker.
    EXPECT_EQ(get("/api/stats")->status, 200);
  });
  EXPECT_EQ(events.size(), 1U);
}

TEST_F(ServeTest, RateLimitRefusesWith429PerTokenAndChangesNothing) {
  ServeOptions options;
  options.tokens = tokens_file("w0 write\nr0 read\nadm admin\n");
  // A refill this slow adds nothing during the test: the burst is all a token gets.
  options.rate_limit = {.per_second = 0.001, .burst = 2};
  start(options);
  ASSERT_EQ(post("/api/streams/r-1", {{"events", {event("A", {})}}}, "w0")->status, 200);
  ASSERT_EQ(post("/api/streams/r-1", {{"events", {event("A", {})}}}, "w0")->status, 200);
  auto r = post("/api/streams/r-1", {{"events", {event("A", {})}}}, "w0");
  ASSERT_EQ(r->status, 429) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "rate_limited");
  EXPECT_GE(std::stoi(r->get_header_value("Retry-After")), 1);
  r = post("/api/batch", {{"appends", {{{"stream", "r-2"}, {"events", {event("A", {})}}}}}}, "w0");
  EXPECT_EQ(r->status, 429);
  // Another token has its own bucket, and sees that the refused appends wrote nothing.
  r = get("/api/stats", "r0");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(body_of(r)["events"], 2);
  const std::string text = get("/metrics", "adm")->body;
  EXPECT_NE(text.find("es_rate_limited_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("es_http_requests_total{status=\"429\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("es_appends_total 2\n"), std::string::npos) << text;
}

TEST_F(ServeTest, RateLimitWithoutTokensIsPerClientAddress) {
  ServeOptions options;
  options.rate_limit = {.per_second = 0.001, .burst = 1};
  start(options);
  ASSERT_EQ(get("/api/stats")->status, 200);
  const auto r = post("/api/streams/a-1", {{"events", {event("A", {})}}});
  ASSERT_EQ(r->status, 429) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "rate_limited");
  // A second connection from the same address shares the bucket.
  httplib::Client other("127.0.0.1", server_->port());
  EXPECT_EQ(other.Get("/api/all")->status, 429);
}

TEST(RateLimiter, RefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter({.per_second = 10, .burst = 3});
  const RateLimiter::Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.take("a", t0)) << i;
  const auto wait = limiter.take("a", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(std::chrono::ceil<std::chrono::milliseconds>(*wait).count(), 100);
  EXPECT_FALSE(limiter.take("b", t0)) << "each client has its own bucket";
  EXPECT_FALSE(limiter.take("a", t0 + std::chrono::milliseconds(100)));
  EXPECT_TRUE(limiter.take("a", t0 + std::chrono::milliseconds(150)));
  // A long idle spell fills the bucket to the burst, no more.
  const auto later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.take("a", later)) << i;
  EXPECT_TRUE(limiter.take("a", later));
}

TEST(RateLimiter, ParsesRates) {
  EXPECT_EQ(*parse_rate("100/s"), 100);
  EXPECT_EQ(*parse_rate("250"), 250);
  EXPECT_EQ(*parse_rate("600/min"), 10);
  EXPECT_EQ(*parse_rate("30/m"), 0.5);
  for (const char* bad : {"", "0/s", "-5/s", "abc", "10/h", "10/", "/s", "inf"}) {
    const auto rate = parse_rate(bad);
    ASSERT_FALSE(rate) << bad;
    EXPECT_EQ(rate.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(TokenTable, FindsOnlyExactTokens) {
  auto table = TokenTable::parse("alpha read\nalphabet write acme\n", "tokens");
  ASSERT_TRUE(table) << table.error().to_string();
  const Principal* alpha = table->find("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->role, Role::kRead);
  EXPECT_EQ(alpha->line, 1);
  const Principal* alphabet = table->find("alphabet");
  ASSERT_NE(alphabet, nullptr);
  EXPECT_EQ(alphabet->tenant, "acme");
  EXPECT_EQ(alphabet->line, 2);
  for (const char* unknown : {"", "a", "alph", "alphaX", "alphabets", "ALPHA"}) {
    EXPECT_EQ(table->find(unknown), nullptr) << unknown;
  }
  const auto twice = TokenTable::parse("t read\nt write\n", "tokens");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("tokens:2: the token is listed twice"), std::string::npos);
}

}  // namespace
}  // namespace es::serve

// FrontEnd over raw sockets: appends served on the event loop and other requests served by
// httplib on a worker, on one connection and pipelined, in order; requests that arrive in
// pieces; the appends the loop leaves to httplib; streamed responses; the peer's address;
// Connection: close; idle connections; and stop() with connections open.
#include "front_end.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <array>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "api.h"
#include "es/store/memory_store.h"
#include "http_server.h"

namespace es::serve {
namespace {

// A client connection over a raw socket, to send exactly the bytes a test wants.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }

  [[nodiscard]] bool connected() const { return connected_; }

  void send_text(const std::string& text) const {
    ASSERT_EQ(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // Reads until what was received holds `needle`; false if the connection ends first.
  bool read_until(const std::string& needle) {
    std::array<char, 4096> buffer{};
    while (received.find(needle) == std::string::npos) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n <= 0) return false;
      received.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return true;
  }

  std::string received;

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string append_body(const std::string& type) {
  return R"({"events":[{"type":")" + type + R"(","data":{}}]})";
}

class FrontEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.store = make_memory_store();
    http_.set_keep_alive_max_count(1'000'000);
    http_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "text/plain");
    });
    http_.Get("/peer", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.remote_addr, "text/plain");
    });
    http_.Get("/stream", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [this](std::size_t, httplib::DataSink& sink) {
        if (!sink.write("first", 5)) return false;
        // The client has read the first part before the second is written.
        second_part_.wait();
        sink.write("second", 6);
        sink.done();
        return true;
      });
    });
    // A stream without end: it ends when the server stops.
    http_.Get("/ticks", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return sink.write("tick", 4);
      });
    });
    add_write_routes(api_, http_);
  }

  void start() {
    front_ = std::make_unique<FrontEnd>(api_, http_, 4);
    ASSERT_TRUE(front_->listen("127.0.0.1", 0).is_ok());
    ASSERT_GT(front_->port(), 0);
    front_->start();
  }

  void TearDown() override {
    release_second_part();
    if (front_) front_->stop();
  }

  // Lets the streamed response go on (once; TearDown does it if a test stopped early).
  void release_second_part() {
    if (released_) return;
    released_ = true;
    second_part_promise_.set_value();
  }

  Api api_;
  HttpServer http_;
  std::unique_ptr<FrontEnd> front_;
  std::promise<void> second_part_promise_;
  std::shared_future<void> second_part_ = second_part_promise_.get_future().share();
  bool released_ = false;
};

TEST_F(FrontEndTest, ServesAppendsAndOtherRequestsOnOneConnection) {
  start();
  RawClient client(front_->port());
  ASSERT_TRUE(client.connected());
  for (int i = 1; i <= 3; ++i) {
    client.send_text(post("/api/streams/s", append_body("A")));
    ASSERT_TRUE(client.read_until("\"last_version\":" + std::to_string(i))) << client.received;
    EXPECT_TRUE(client.received.starts_with("HTTP/1.1 200 OK\r\n")) << client.received;
    EXPECT_NE(client.received.find("Content-Type: application/json"), std::string::npos);
    client.received.clear();
    const std::string body = "request-" + std::to_string(i);
    client.send_text(post("/echo", body));
    ASSERT_TRUE(client.read_until("\r\n\r\n" + body)) << client.received;
    client.received.clear();
  }
  EXPECT_EQ(api_.store->stream_info("s")->version, 3);
}

TEST_F(FrontEndTest, AnswersPipelinedRequestsInOrder) {
  start();
  RawClient client(front_->port());
  client.send_text(post("/api/streams/p", append_body("A")) + post("/echo", "middle") +
                   post("/api/streams/p", append_body("B")) + post("/echo", "last"));
  ASSERT_TRUE(client.read_until("\r\n\r\nlast")) << client.received;
  const auto first = client.received.find("\"last_version\":1");
  const auto middle = client.received.find("\r\n\r\nmiddle");
  const auto second = client.received.find("\"last_version\":2");
  ASSERT_NE(first, std::string::npos) << client.received;
  EXPECT_LT(first, middle);
  EXPECT_LT(middle, second);
}

TEST_F(FrontEndTest, ServesARequestThatArrivesInPieces) {
  start();
  RawClient client(front_->port());
  const std::string request = post("/api/streams/pieces", append_body("A"));
  for (std::size_t at = 0; at < request.size(); at += 7) {
    client.send_text(request.substr(at, 7));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(client.read_until("\"last_version\":1")) << client.received;
}

TEST_F(FrontEndTest, LeavesTheAppendsItDoesNotReadToHttplib) {
  // As es serve sets them from --max-body-bytes.
  api_.options.max_body_bytes = 64;
  http_.set_payload_max_length(64);
  start();
  RawClient client(front_->port());
  // Chunked body.
  const std::string body = append_body("Chunked");
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", body.size());
  client.send_text(
      "POST /api/streams/other HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
      std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
  ASSERT_TRUE(client.read_until("\"last_version\":1")) << client.received;
  client.received.clear();
  // A percent-encoded stream name and a query string.
  client.send_text(post("/api/streams/with%20space?x=1", append_body("Encoded")));
  ASSERT_TRUE(client.read_until("\"stream\":\"with space\"")) << client.received;
  client.received.clear();
  // A body over the limit: httplib's 413.
  client.send_text(post("/api/streams/other", std::string(100, ' ')));
  ASSERT_TRUE(client.read_until("413")) << client.received;
  EXPECT_EQ(api_.store->stream_info("other")->version, 1);
}

TEST_F(FrontEndTest, ARefusedAppendIsAnsweredAndTheConnectionGoesOn) {
  start();
  RawClient client(front_->port());
  client.send_text(post("/api/streams/bad", "{not json"));
  ASSERT_TRUE(client.read_until("}}")) << client.received;
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 400 Bad Request\r\n")) << client.received;
  const auto body_at = client.received.find("\r\n\r\n");
  const auto error = nlohmann::json::parse(client.received.substr(body_at + 4));
  EXPECT_EQ(error["error"]["code"], "invalid_argument");
  client.received.clear();
  client.send_text(post("/api/streams/bad", R"({"expected":5,"events":[{"type":"A","data":{}}]})"));
  ASSERT_TRUE(client.read_until("}}")) << client.received;
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 409 Conflict\r\n")) << client.received;
  client.received.clear();
  client.send_text(post("/api/streams/bad", append_body("A")));
  ASSERT_TRUE(client.read_until("\"last_version\":1")) << client.received;
}

// Appends from many connections at once: each gets its own answer, and the stream holds each
// event once.
TEST_F(FrontEndTest, AppendsFromManyConnectionsEachGetTheirOwnAnswer) {
  start();
  constexpr int kClients = 16;
  constexpr int kEach = 25;
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  std::atomic<int> ok{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      RawClient client(front_->port());
      for (int i = 0; i < kEach; ++i) {
        client.send_text(post("/api/streams/shared", append_body("A")));
        if (!client.read_until("}")) return;
        if (client.received.starts_with("HTTP/1.1 200 OK\r\n")) ok.fetch_add(1);
        client.received.clear();
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kEach);
  EXPECT_EQ(api_.store->stream_info("shared")->version, kClients * kEach);
}

TEST_F(FrontEndTest, StreamsAResponseAsItIsWritten) {
  start();
  RawClient client(front_->port());
  client.send_text("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.read_until("first")) << client.received;
  EXPECT_TRUE(client.received.starts_with("HTTP/1.1 200 OK\r\n")) << client.received;
  EXPECT_NE(client.received.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(client.received.find("second"), std::string::npos);
  release_second_part();
  ASSERT_TRUE(client.read_until("second")) << client.received;
  ASSERT_TRUE(client.read_until("0\r\n\r\n")) << client.received;
}

TEST_F(FrontEndTest, GivesHandlersThePeerAddress) {
  start();
  httplib::Client client("127.0.0.1", front_->port());
  const auto res = client.Get("/peer");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "127.0.0.1");
}

TEST_F(FrontEndTest, ClosesTheConnectionTheClientAsksToClose) {
  start();
  for (const std::string& path : {std::string("/echo"), std::string("/api/streams/c")}) {
    RawClient client(front_->port());
    client.send_text(post(path, append_body("A"), "Connection: close\r\n"));
    ASSERT_TRUE(client.read_until("}")) << client.received;
    EXPECT_NE(client.received.find("Connection: close"), std::string::npos) << client.received;
    EXPECT_FALSE(client.read_until("more")) << path << ": the server kept the connection open";
  }
}

TEST_F(FrontEndTest, ClosesConnectionsIdleForTheKeepAliveTimeout) {
  http_.set_keep_alive_timeout(1);
  start();
  RawClient client(front_->port());
  client.send_text(post("/api/streams/idle", append_body("A")));
  ASSERT_TRUE(client.read_until("\"last_version\":1")) << client.received;
  const auto sent = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.read_until("more"));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
}

TEST_F(FrontEndTest, StopsWithConnectionsOpen) {
  start();
  RawClient idle(front_->port());
  idle.send_text(post("/echo", "idle"));
  ASSERT_TRUE(idle.read_until("\r\n\r\nidle")) << idle.received;
  RawClient streaming(front_->port());
  streaming.send_text("GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(streaming.read_until("tick")) << streaming.received;
  front_->stop();
  EXPECT_FALSE(idle.read_until("more")) << "the idle connection outlived the server";
  EXPECT_FALSE(streaming.read_until("more")) << "the streaming connection outlived the server";
}

// Out of file descriptors, the server goes on serving its connections, and accepts the waiting
// one once descriptors are free again.
TEST_F(FrontEndTest, OutOfDescriptorsItServesWhatItHasAndAcceptsLater) {
  start();
  RawClient first(front_->port());
  first.send_text(post("/api/streams/fd", append_body("A")));
  ASSERT_TRUE(first.read_until("\"last_version\":1")) << first.received;
  first.received.clear();

  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // Room for the next client's socket, none for the server's end of it.
  const int probe = ::open("/dev/null", O_RDONLY);  // the lowest free descriptor
  ASSERT_GE(probe, 0);
  ::close(probe);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(probe) + 1;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  RawClient waiting(front_->port());
  const bool connected = waiting.connected();
  waiting.send_text(post("/api/streams/fd", append_body("B")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  first.send_text(post("/api/streams/fd", append_body("C")));
  const bool served = first.read_until("\"last_version\":");
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(connected);
  EXPECT_TRUE(served) << first.received;
  EXPECT_TRUE(waiting.read_until("\"last_version\":")) << waiting.received;
  EXPECT_EQ(api_.store->stream_info("fd")->version, 3);
}

TEST_F(FrontEndTest, ListenFailsOnAnAddressInUse) {
  start();
  HttpServer other_http;
  FrontEnd other(api_, other_http, 1);
  const Status s = other.listen("127.0.0.1", front_->port());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("cannot listen on 127.0.0.1:"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace es::serve

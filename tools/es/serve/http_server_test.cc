// HttpServer's own keep-alive loop: requests on one connection, pipelined requests, a response
// whose head and body go out together, a streamed response that goes out as it is written, the
// peer's address, and stop() with an idle connection open.
#include "http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <future>
#include <string>
#include <thread>

namespace es::serve {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "text/plain");
    });
    server_.Get("/peer", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.remote_addr, "text/plain");
    });
    server_.Get("/stream", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [this](std::size_t, httplib::DataSink& sink) {
        if (!sink.write("first", 5)) return false;
        // The client has read the first part before the second is written.
        second_part_.wait();
        sink.write("second", 6);
        sink.done();
        return true;
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }

  void TearDown() override {
    release_second_part();
    server_.stop();
    if (thread_.joinable()) thread_.join();
    if (client_ >= 0) ::close(client_);
  }

  void connect_client() {
    client_ = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(client_, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }

  void send_text(const std::string& text) const {
    ASSERT_EQ(::send(client_, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // Reads until `received_` holds `needle`; false if the connection ends first.
  bool read_until(const std::string& needle) {
    std::array<char, 4096> buffer{};
    while (received_.find(needle) == std::string::npos) {
      const ssize_t n = ::recv(client_, buffer.data(), buffer.size(), 0);
      if (n <= 0) return false;
      received_.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return true;
  }

  // Lets the streamed response go on (once; TearDown does it if a test stopped early).
  void release_second_part() {
    if (released_) return;
    released_ = true;
    second_part_promise_.set_value();
  }

  static std::string post_echo(const std::string& body) {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
  int client_ = -1;
  std::string received_;
  std::promise<void> second_part_promise_;
  std::shared_future<void> second_part_ = second_part_promise_.get_future().share();
  bool released_ = false;
};

TEST_F(HttpServerTest, ServesManyRequestsOnOneConnection) {
  connect_client();
  for (int i = 0; i < 5; ++i) {
    const std::string body = "request-" + std::to_string(i);
    send_text(post_echo(body));
    ASSERT_TRUE(read_until("\r\n\r\n" + body)) << received_;
    EXPECT_TRUE(received_.starts_with("HTTP/1.1 200 OK\r\n")) << received_;
    received_.clear();
  }
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  connect_client();
  send_text(post_echo("one") + post_echo("two") + post_echo("three"));
  ASSERT_TRUE(read_until("\r\n\r\nthree")) << received_;
  const auto one = received_.find("\r\n\r\none");
  const auto two = received_.find("\r\n\r\ntwo");
  EXPECT_NE(one, std::string::npos);
  EXPECT_LT(one, two);
}

TEST_F(HttpServerTest, StreamsAResponseAsItIsWritten) {
  connect_client();
  send_text("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(read_until("first")) << received_;
  EXPECT_TRUE(received_.starts_with("HTTP/1.1 200 OK\r\n")) << received_;
  EXPECT_NE(received_.find("Transfer-Encoding: chunked"), std::string::npos) << received_;
  EXPECT_EQ(received_.find("second"), std::string::npos);
  release_second_part();
  ASSERT_TRUE(read_until("second")) << received_;
  ASSERT_TRUE(read_until("0\r\n\r\n")) << received_;
}

TEST_F(HttpServerTest, GivesHandlersThePeerAddress) {
  httplib::Client client("127.0.0.1", port_);
  const auto res = client.Get("/peer");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "127.0.0.1");
}

TEST_F(HttpServerTest, ClosesTheConnectionTheClientAsksToClose) {
  connect_client();
  send_text("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye");
  ASSERT_TRUE(read_until("\r\n\r\nbye")) << received_;
  EXPECT_NE(received_.find("Connection: close"), std::string::npos) << received_;
  EXPECT_FALSE(read_until("more")) << "the server keeps the connection open";
}

TEST_F(HttpServerTest, StopsWithAnIdleConnectionOpen) {
  connect_client();
  send_text(post_echo("idle"));
  ASSERT_TRUE(read_until("\r\n\r\nidle")) << received_;
  server_.stop();
  thread_.join();
  EXPECT_FALSE(read_until("more")) << "the connection outlived the server";
}

}  // namespace
}  // namespace es::serve

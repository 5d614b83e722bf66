// frame_append(): which requests the event loop takes itself, and where each one ends; and the
// bytes of a response.
#include "http_framing.h"

#include <gtest/gtest.h>

#include <string>

namespace es::serve {
namespace {

constexpr std::size_t kMaxBody = 1000;

std::string request(const std::string& line, const std::string& headers, const std::string& body) {
  return line + "\r\nHost: x\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST(HttpFraming, TakesAWholeAppendAndSaysWhereItEnds) {
  const std::string first = request("POST /api/streams/order-1 HTTP/1.1",
                                    "Authorization: Bearer t\r\ntraceparent: x\r\n", "{}");
  const Framed framed = frame_append(first + "POST /next", kMaxBody);
  ASSERT_EQ(framed.kind, Framing::kAppend);
  EXPECT_EQ(framed.consumed, first.size());
  EXPECT_EQ(framed.stream, "order-1");
  EXPECT_EQ(framed.request.method, "POST");
  EXPECT_EQ(framed.request.path, "/api/streams/order-1");
  EXPECT_EQ(framed.request.body, "{}");
  EXPECT_EQ(framed.request.get_header_value("authorization"), "Bearer t");
  EXPECT_EQ(framed.request.get_header_value("traceparent"), "x");
  EXPECT_FALSE(framed.close);
}

TEST(HttpFraming, DecodesTheStreamAndReadsTheQuery) {
  const Framed framed = frame_append(
      request("POST /api/streams/a%2Fb%20c?access_token=tok HTTP/1.1", "", "{}"), kMaxBody);
  ASSERT_EQ(framed.kind, Framing::kAppend);
  EXPECT_EQ(framed.stream, "a/b c");
  EXPECT_EQ(framed.request.get_param_value("access_token"), "tok");
}

TEST(HttpFraming, WaitsForTheRestOfAnIncompleteRequest) {
  const std::string whole = request("POST /api/streams/s HTTP/1.1", "", "{\"events\":[]}");
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{10}, whole.find("\r\n\r\n") + 2, whole.size() - 1}) {
    EXPECT_EQ(frame_append(whole.substr(0, cut), kMaxBody).kind, Framing::kIncomplete) << cut;
  }
}

TEST(HttpFraming, LeavesEverythingElseToHttplib) {
  const std::vector<std::string> others = {
      request("GET /api/streams/s HTTP/1.1", "", ""),
      request("POST /api/batch HTTP/1.1", "", "{}"),
      request("POST /api/streams/s HTTP/1.0", "", "{}"),
      request("POST /api/streams/ HTTP/1.1", "", "{}"),
      request("POST /api/streams/a%0Ab HTTP/1.1", "", "{}"),
      request("POST /api/streams/s HTTP/1.1", "Expect: 100-continue\r\n", "{}"),
      request("POST /api/streams/s HTTP/1.1", "Content-Length: 2\r\n", "{}"),
      request("POST /api/streams/s HTTP/1.1", "Bad header line\r\n", "{}"),
      request("POST /api/streams/s HTTP/1.1", "", std::string(kMaxBody + 1, ' ')),
      "POST /api/streams/s HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      "POST /api/streams/s HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /api/streams/s HTTP/1.1\r\nContent-Length: 1x\r\n\r\n{}",
      "POST  /api/streams/s HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
      "POST /api/streams/s HTTP/1.1\r\nX: " + std::string(kMaxHeadBytes, 'x'),
  };
  for (const std::string& other : others) {
    EXPECT_EQ(frame_append(other, kMaxBody).kind, Framing::kOther) << other.substr(0, 80);
  }
}

TEST(HttpFraming, NotesConnectionClose) {
  EXPECT_TRUE(
      frame_append(request("POST /api/streams/s HTTP/1.1", "Connection: Close\r\n", "{}"), kMaxBody)
          .close);
}

TEST(HttpFraming, WritesAResponseWithItsHeadersAndLength) {
  httplib::Response res;
  res.status = 409;
  res.set_header("Retry-After", "1");
  res.set_content("{\"a\":1}", "application/json");
  EXPECT_EQ(response_bytes(res, false),
            "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            "Content-Length: 7\r\nConnection: Keep-Alive\r\n\r\n{\"a\":1}");
  EXPECT_NE(response_bytes(res, true).find("Connection: close\r\n"), std::string::npos);
}

}  // namespace
}  // namespace es::serve

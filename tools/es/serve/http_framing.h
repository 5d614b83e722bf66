// The HTTP/1.1 the event loop (front_end.h) reads and writes itself: it picks the appends to one
// stream off a connection's buffer as httplib::Request values, and writes their responses.
// Anything it does not take here — another route, HTTP/1.0, chunked or Expect bodies, bodies
// over the limit, heads over kMaxHeadBytes, a malformed head — is left for httplib, which
// serves or refuses it as it would any request.
//
// Thread safety: plain functions.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace es::serve {

// A longer head is left for httplib (which refuses it).
inline constexpr std::size_t kMaxHeadBytes = 16384;

enum class Framing {
  kIncomplete,  // the request is not all in the buffer yet
  kOther,       // not one the loop takes: hand the connection to httplib
  kAppend,      // POST /api/streams/{stream}, whole
};

struct Framed {
  Framing kind = Framing::kIncomplete;
  httplib::Request request;  // kAppend: method, target, path (decoded), params, headers, body
  std::string stream;        // kAppend: the decoded {stream} of the path
  std::size_t consumed = 0;  // kAppend: bytes of the buffer the request took
  bool close = false;        // kAppend: the client sent Connection: close
};

// The request at the start of `buffer`; `max_body_bytes` as --max-body-bytes.
Framed frame_append(std::string_view buffer, std::size_t max_body_bytes);

// `res` as HTTP/1.1 bytes: status line, its headers, Content-Length, Connection, body.
std::string response_bytes(const httplib::Response& res, bool close);

}  // namespace es::serve

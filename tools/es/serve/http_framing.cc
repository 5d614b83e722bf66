#include "http_framing.h"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

namespace es::serve {
namespace {

constexpr std::string_view kAppendPrefix = "/api/streams/";
constexpr std::string_view kLineEnd = "\r\n";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Splits the request line into method, target and version; false unless it has exactly these.
bool split_request_line(std::string_view line, std::string_view& method, std::string_view& target,
                        std::string_view& version) {
  const std::size_t first = line.find(' ');
  if (first == std::string_view::npos) return false;
  const std::size_t second = line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return false;
  }
  method = line.substr(0, first);
  target = line.substr(first + 1, second - first - 1);
  version = line.substr(second + 1);
  return true;
}

// The header lines of `head` (after the request line) into `headers`; false when one is
// malformed.
bool parse_headers(std::string_view head, httplib::Headers& headers) {
  while (!head.empty()) {
    const std::size_t end = std::min(head.find(kLineEnd), head.size());
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(std::min(end + kLineEnd.size(), head.size()));
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    const std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) return false;
    headers.emplace(std::string(name), std::string(trim(line.substr(colon + 1))));
  }
  return true;
}

// The reason phrase of the statuses the append route answers with (clients read only the code).
std::string_view reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

Framed frame_append(std::string_view buffer, std::size_t max_body_bytes) {
  Framed out;
  const std::size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    out.kind = buffer.size() > kMaxHeadBytes ? Framing::kOther : Framing::kIncomplete;
    return out;
  }
  out.kind = Framing::kOther;
  if (head_end > kMaxHeadBytes) return out;
  const std::string_view head = buffer.substr(0, head_end);
  const std::size_t line_end = std::min(head.find(kLineEnd), head.size());
  std::string_view method;
  std::string_view target;
  std::string_view version;
  if (!split_request_line(head.substr(0, line_end), method, target, version) || method != "POST" ||
      version != "HTTP/1.1" || !target.starts_with(kAppendPrefix)) {
    return out;
  }
  httplib::Request& req = out.request;
  if (!parse_headers(head.substr(std::min(line_end + kLineEnd.size(), head.size())), req.headers)) {
    return out;
  }
  if (req.has_header("Transfer-Encoding") || req.has_header("Expect") ||
      !req.has_header("Content-Length") || req.get_header_value_count("Content-Length") != 1) {
    return out;
  }
  const std::string& length_text = req.headers.find("Content-Length")->second;
  std::size_t length = 0;
  const auto [end, ec] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc() || end != length_text.data() + length_text.size() ||
      length > max_body_bytes) {
    return out;
  }
  const std::size_t body_begin = head_end + 4;
  if (buffer.size() - body_begin < length) {
    out.kind = Framing::kIncomplete;
    return out;
  }
  const std::size_t query = target.find('?');
  req.path = httplib::detail::decode_url(std::string(target.substr(0, query)), false);
  if (query != std::string_view::npos) {
    httplib::detail::parse_query_text(std::string(target.substr(query + 1)), req.params);
  }
  out.stream = req.path.substr(kAppendPrefix.size());
  // httplib's route pattern, (.+), matches no line break.
  if (out.stream.empty() || out.stream.find_first_of("\r\n") != std::string::npos) return out;
  req.method = method;
  req.target = target;
  req.version = version;
  req.body = buffer.substr(body_begin, length);
  const auto connection = req.headers.find("Connection");
  out.close = connection != req.headers.end() && iequals(connection->second, "close");
  out.consumed = body_begin + length;
  out.kind = Framing::kAppend;
  return out;
}

std::string response_bytes(const httplib::Response& res, bool close) {
  std::string out;
  out.reserve(160 + res.body.size());
  auto it = std::back_inserter(out);
  fmt::format_to(it, "HTTP/1.1 {} {}\r\n", res.status, reason(res.status));
  for (const auto& [name, value] : res.headers) fmt::format_to(it, "{}: {}\r\n", name, value);
  fmt::format_to(it, "Content-Length: {}\r\nConnection: {}\r\n\r\n", res.body.size(),
                 close ? "close" : "Keep-Alive");
  out += res.body;
  return out;
}

}  // namespace es::serve

#include "http_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace es::serve {
namespace {

// One recv() takes a whole request of the usual size.
constexpr std::size_t kReadBufferBytes = 16384;

int to_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

void set_timeout(socket_t sock, int option, time_t sec, time_t usec) {
  const timeval tv{.tv_sec = sec, .tv_usec = static_cast<suseconds_t>(usec)};
  ::setsockopt(sock, SOL_SOCKET, option, &tv, sizeof(tv));
}

// A connection as httplib reads and writes one request on it. Reads are buffered; the first write
// of a response (httplib writes the status line and headers in one piece) is held back and sent
// with the next write (the body), or before anything else happens on the socket: a read, an
// is_writable() check (httplib makes one before each part of a streamed response) or the end of
// the request.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, std::string buffered, const HttpServer::Peer& peer,
                   time_t read_timeout_sec, time_t read_timeout_usec, time_t write_timeout_sec,
                   time_t write_timeout_usec)
      : sock_(sock),
        peer_(peer),
        read_timeout_ms_(to_ms(read_timeout_sec, read_timeout_usec)),
        write_timeout_ms_(to_ms(write_timeout_sec, write_timeout_usec)),
        in_(std::move(buffered)) {
    set_timeout(sock, SO_RCVTIMEO, read_timeout_sec, read_timeout_usec);
    set_timeout(sock, SO_SNDTIMEO, write_timeout_sec, write_timeout_usec);
  }

  // The bytes received and not read.
  std::string take_unread() {
    in_.erase(0, in_begin_);
    in_begin_ = 0;
    return std::move(in_);
  }

  // Sends what is held back; false when the connection failed.
  bool flush() const {
    if (held_.empty()) return true;
    const bool sent = send_all(held_, {});
    held_.clear();
    return sent;
  }

  bool is_readable() const override {
    return in_begin_ < in_.size() || wait_for(POLLIN, read_timeout_ms_);
  }

  // As httplib's: writable within the write timeout, and not closed by the peer.
  bool is_writable() const override {
    if (!flush() || !wait_for(POLLOUT, write_timeout_ms_)) return false;
    pollfd readable{.fd = sock_, .events = POLLIN, .revents = 0};
    const int n = ::poll(&readable, 1, 0);
    if (n == 0) return true;
    std::array<char, 1> peek{};
    return n > 0 && ::recv(sock_, peek.data(), peek.size(), MSG_PEEK | MSG_DONTWAIT) > 0;
  }

  ssize_t read(char* ptr, size_t size) override {
    if (in_begin_ == in_.size()) {
      if (!flush()) return -1;
      if (size >= kReadBufferBytes) return receive(ptr, size);
      in_.resize(kReadBufferBytes);
      const ssize_t n = receive(in_.data(), in_.size());
      in_.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      in_begin_ = 0;
      if (n <= 0) return n;
    }
    const std::size_t n = std::min(size, in_.size() - in_begin_);
    std::memcpy(ptr, in_.data() + in_begin_, n);
    in_begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (hold_next_write_ && held_.empty()) {
      hold_next_write_ = false;
      held_.assign(ptr, size);
      return static_cast<ssize_t>(size);
    }
    hold_next_write_ = false;
    const bool sent = send_all(held_, std::string_view(ptr, size));
    held_.clear();
    return sent ? static_cast<ssize_t>(size) : -1;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.remote_ip;
    port = peer_.remote_port;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.local_ip;
    port = peer_.local_port;
  }

  socket_t socket() const override { return sock_; }

 private:
  bool wait_for(short events, int timeout_ms) const {
    pollfd ready{.fd = sock_, .events = events, .revents = 0};
    int n = 0;
    do {
      n = ::poll(&ready, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    return n > 0;
  }

  // recv() within the read timeout (SO_RCVTIMEO): the bytes read, 0 at the end, -1 on an error.
  ssize_t receive(char* ptr, size_t size) const {
    ssize_t n = 0;
    do {
      n = ::recv(sock_, ptr, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  // Sends `first` then `second` in as few sendmsg() calls as the socket takes, each within the
  // write timeout (SO_SNDTIMEO).
  bool send_all(std::string_view first, std::string_view second) const {
    std::array<iovec, 2> parts{iovec{const_cast<char*>(first.data()), first.size()},
                               iovec{const_cast<char*>(second.data()), second.size()}};
    std::size_t next = 0;
    for (;;) {
      while (next < parts.size() && parts[next].iov_len == 0) ++next;
      if (next == parts.size()) return true;
      msghdr message{};
      message.msg_iov = &parts[next];
      message.msg_iovlen = parts.size() - next;
      const ssize_t sent = ::sendmsg(sock_, &message, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      auto left = static_cast<std::size_t>(sent);
      while (left > 0) {
        const std::size_t step = std::min(left, parts[next].iov_len);
        parts[next].iov_base = static_cast<char*>(parts[next].iov_base) + step;
        parts[next].iov_len -= step;
        left -= step;
        if (parts[next].iov_len == 0) ++next;
      }
    }
  }

  socket_t sock_;
  const HttpServer::Peer& peer_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  std::string in_;  // received; in_[in_begin_..] not yet read
  std::size_t in_begin_ = 0;
  mutable std::string held_;     // the head of a response, until its body follows
  bool hold_next_write_ = true;  // the first write is the head of the response
};

void set_nonblocking(socket_t sock, bool on) {
  const int flags = ::fcntl(sock, F_GETFL, 0);
  ::fcntl(sock, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

}  // namespace

HttpServer::Served HttpServer::serve_one(socket_t sock, std::string buffered, const Peer& peer) {
  set_nonblocking(sock, false);
  Served served;
  {
    ConnectionStream stream(sock, std::move(buffered), peer, read_timeout_sec_, read_timeout_usec_,
                            write_timeout_sec_, write_timeout_usec_);
    bool closed = false;
    served.keep_open = process_request(stream, /*close_connection=*/false, closed, nullptr) &&
                       stream.flush() && !closed;
    served.unread = stream.take_unread();
  }
  set_nonblocking(sock, true);
  return served;
}

}  // namespace es::serve

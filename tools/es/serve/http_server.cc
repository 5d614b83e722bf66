#include "http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

namespace es::serve {
namespace {

// How often an idle connection looks whether the server is stopping.
constexpr int kStopCheckMs = 50;
// One recv() takes a whole request of the usual size.
constexpr std::size_t kReadBufferBytes = 16384;

int to_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

void set_timeout(socket_t sock, int option, time_t sec, time_t usec) {
  const timeval tv{.tv_sec = sec, .tv_usec = static_cast<suseconds_t>(usec)};
  ::setsockopt(sock, SOL_SOCKET, option, &tv, sizeof(tv));
}

// The numeric address and port of the peer (`peer`) or of this end of `sock`; left unchanged
// when the socket has none.
void socket_address(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  auto* name = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(sock, name, &len) : ::getsockname(sock, name, &len)) != 0) return;
  std::array<char, NI_MAXHOST> host{};
  if (::getnameinfo(name, len, host.data(), host.size(), nullptr, 0, NI_NUMERICHOST) != 0) return;
  ip = host.data();
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

// One keep-alive connection as httplib reads and writes it. Reads are buffered; the first write
// of a response (httplib writes the status line and headers in one piece) is held back and sent
// with the next write (the body), or before anything else happens on the socket: a read, an
// is_writable() check (httplib makes one before each part of a streamed response) or the end of
// the request.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, time_t read_timeout_sec, time_t read_timeout_usec,
                   time_t write_timeout_sec, time_t write_timeout_usec)
      : sock_(sock),
        read_timeout_ms_(to_ms(read_timeout_sec, read_timeout_usec)),
        write_timeout_ms_(to_ms(write_timeout_sec, write_timeout_usec)) {
    set_timeout(sock, SO_RCVTIMEO, read_timeout_sec, read_timeout_usec);
    set_timeout(sock, SO_SNDTIMEO, write_timeout_sec, write_timeout_usec);
    socket_address(sock, /*peer=*/true, remote_ip_, remote_port_);
    socket_address(sock, /*peer=*/false, local_ip_, local_port_);
  }

  // Waits for the next request: true once its first bytes are there; false when the connection
  // stayed idle for `timeout_sec`, failed, or `server_socket` was closed (the server stops).
  bool next_request(time_t timeout_sec, const std::atomic<socket_t>& server_socket) {
    hold_next_write_ = true;
    if (in_begin_ < in_end_) return true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_sec);
    while (server_socket != INVALID_SOCKET) {
      pollfd ready{.fd = sock_, .events = POLLIN, .revents = 0};
      const int n = ::poll(&ready, 1, kStopCheckMs);
      if (n > 0) return true;
      if (n < 0 && errno != EINTR) return false;
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    return false;
  }

  // Sends what is held back; false when the connection failed.
  bool flush() const {
    if (held_.empty()) return true;
    const bool sent = send_all(held_, {});
    held_.clear();
    return sent;
  }

  bool is_readable() const override {
    return in_begin_ < in_end_ || wait_for(POLLIN, read_timeout_ms_);
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
    if (in_begin_ == in_end_) {
      if (!flush()) return -1;
      if (size >= in_.size()) return receive(ptr, size);
      const ssize_t n = receive(in_.data(), in_.size());
      if (n <= 0) return n;
      in_begin_ = 0;
      in_end_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, in_end_ - in_begin_);
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
    ip = remote_ip_;
    port = remote_port_;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
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
  int read_timeout_ms_;
  int write_timeout_ms_;
  std::string remote_ip_;
  int remote_port_ = 0;
  std::string local_ip_;
  int local_port_ = 0;
  std::array<char, kReadBufferBytes> in_{};
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  mutable std::string held_;  // the head of a response, until its body follows
  bool hold_next_write_ = false;
};

}  // namespace

bool HttpServer::process_and_close_socket(socket_t sock) {
  bool served = false;
  {
    ConnectionStream stream(sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_,
                            write_timeout_usec_);
    for (std::size_t left = keep_alive_max_count_;
         left > 0 && stream.next_request(keep_alive_timeout_sec_, svr_sock_); --left) {
      bool closed = false;
      served = process_request(stream, /*close_connection=*/left == 1, closed, nullptr) &&
               stream.flush();
      if (!served || closed) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return served;
}

}  // namespace es::serve

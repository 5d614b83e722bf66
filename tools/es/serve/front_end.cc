#include "front_end.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api.h"
#include "http_framing.h"
#include "http_server.h"
#include "stream_append.h"

namespace es::serve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kListenId = 0;
constexpr std::uint64_t kWakeId = 1;
constexpr std::size_t kReadChunk = 16384;
constexpr int kMaxEvents = 256;
constexpr int kWaitMs = 250;                           // how often the loop looks at stop()
constexpr auto kSweepEvery = std::chrono::seconds(1);  // idle connections, paused accepting

enum class Phase : std::uint8_t {
  kReading,    // the loop reads and answers its requests
  kAppending,  // its append is with the committer
  kWorker,     // a worker serves it; the loop leaves the socket alone
};

struct Connection {
  int fd = -1;
  std::uint64_t id = 0;
  HttpServer::Peer peer;
  std::string in;   // received, not yet parsed
  std::string out;  // response bytes not yet sent
  Phase phase = Phase::kReading;
  bool close_after = false;  // the last request asked for Connection: close
  bool gone = false;         // the client closed, or the socket failed
  bool unread = false;       // the socket has bytes the loop left there (see on_ready)
  Clock::time_point active;
};

// An append between the loop and the committer.
struct Job {
  std::uint64_t connection = 0;
  bool close = false;
  PreparedAppend prepared;
  Clock::time_point received;
};

// Back to the loop: an append's outcome, or a connection a worker is done with.
struct Completion {
  std::uint64_t connection = 0;
  std::optional<Job> job;  // the append; nullopt from a worker
  std::optional<Result<AppendResult>> outcome;
  Clock::time_point ended;
  bool from_worker = false;
  bool keep_open = true;  // from_worker: the connection may carry another request
  std::string unread;     // from_worker: received past the request
};

// The numeric address and port of `addr`.
void address_of(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  std::array<char, NI_MAXHOST> host{};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host.data(), host.size(),
                    nullptr, 0, NI_NUMERICHOST) == 0) {
    ip = host.data();
  }
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
}

}  // namespace

class FrontEnd::Impl {
 public:
  Impl(Api& api, HttpServer& http, std::size_t workers)
      : api_(api), http_(http), pool_(workers), idle_limit_(http.keep_alive_timeout()) {}

  ~Impl() { stop(); }

  Status listen(const std::string& bind, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const auto refused = [&] {
      return Status::unavailable(fmt::format("cannot listen on {}:{}", bind, port));
    };
    if (::getaddrinfo(bind.c_str(), service.c_str(), &hints, &found) != 0) return refused();
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int yes = 1;
    const bool bound =
        fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) == 0 &&
        ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0;
    ::freeaddrinfo(found);
    if (!bound) {
      if (fd >= 0) ::close(fd);
      return refused();
    }
    listen_fd_ = fd;
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    std::string ip;
    address_of(local, len, ip, port_);
    return Status::ok();
  }

  [[nodiscard]] int port() const { return port_; }

  void start() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    watch(listen_fd_, kListenId, EPOLLIN);
    watch(wake_fd_, kWakeId, EPOLLIN);
    http_.set_listen_socket(listen_fd_);
    committer_ = std::thread([this] { run_committer(); });
    loop_ = std::thread([this] { run_loop(); });
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    http_.set_listen_socket(INVALID_SOCKET);  // streamed responses end
    if (loop_.joinable()) {
      stop_.store(true);
      wake();
      loop_.join();
    }
    if (committer_.joinable()) {
      {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
      }
      jobs_ready_.notify_one();
      committer_.join();
    }
    // A worker blocked on its socket returns once the socket is shut down.
    for (const auto& [id, c] : connections_) {
      if (c->phase == Phase::kWorker) ::shutdown(c->fd, SHUT_RDWR);
    }
    pool_.shutdown();
    for (const auto& [id, c] : connections_) ::close(c->fd);
    connections_.clear();
    for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

 private:
  void watch(int fd, std::uint64_t id, std::uint32_t events) const {
    epoll_event event{};
    event.events = events;
    event.data.u64 = id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }

  void wake() const {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof(one));
  }

  void run_loop() {
    std::array<epoll_event, kMaxEvents> events{};
    auto next_sweep = Clock::now() + kSweepEvery;
    while (!stop_.load()) {
      const int n = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, kWaitMs);
      for (int i = 0; i < n; ++i) {
        const epoll_event& event = events[static_cast<std::size_t>(i)];
        if (event.data.u64 == kListenId) {
          accept_all();
        } else if (event.data.u64 == kWakeId) {
          take_completions();
        } else {
          on_ready(event.data.u64, event.events);
        }
      }
      submit();
      if (Clock::now() >= next_sweep) {
        close_idle();
        resume_accepting();
        next_sweep = Clock::now() + kSweepEvery;
      }
    }
  }

  void accept_all() {
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof(addr);
      const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) pause_accepting();  // EMFILE, say
        return;
      }
      const int yes = 1;
      // Small responses go out at once; with Nagle they would wait for the client's ACK.
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      c->id = next_id_++;
      c->active = Clock::now();
      address_of(addr, len, c->peer.remote_ip, c->peer.remote_port);
      sockaddr_storage local{};
      socklen_t local_len = sizeof(local);
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
        address_of(local, local_len, c->peer.local_ip, c->peer.local_port);
      }
      // Edge-triggered: reads go on until the socket has nothing more, and a write that does not
      // go through waits for the edge of room.
      watch(fd, c->id, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
      connections_.emplace(c->id, std::move(c));
    }
  }

  // Out of descriptors, the listening socket would stay ready and spin the loop: it is left out
  // until a connection closes, or the next idle sweep.
  void pause_accepting() {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    accepting_ = false;
  }

  void resume_accepting() {
    if (accepting_) return;
    watch(listen_fd_, kListenId, EPOLLIN);
    accepting_ = true;
  }

  void on_ready(std::uint64_t id, std::uint32_t events) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection& c = *it->second;
    if (c.phase == Phase::kWorker) return;
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      // While its append is out, a connection buffers at most one more request of the largest
      // size; the rest stays in the socket until the response is out.
      if (c.phase == Phase::kAppending &&
          c.in.size() > kMaxHeadBytes + api_.options.max_body_bytes) {
        c.unread = true;
      } else {
        receive(c);
      }
    }
    if ((events & EPOLLOUT) != 0) send_out(c);
    advance(c);
  }

  // Reads what the socket has. A read shorter than asked for emptied it: the next bytes raise a
  // new edge.
  void receive(Connection& c) {
    for (;;) {
      const ssize_t n = ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
      if (n > 0) {
        c.in.append(read_buffer_.data(), static_cast<std::size_t>(n));
        c.active = Clock::now();
        if (static_cast<std::size_t>(n) < read_buffer_.size()) return;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      c.gone = true;
      return;
    }
  }

  static void send_out(Connection& c) {
    while (!c.out.empty()) {
      const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<std::size_t>(n));
        c.active = Clock::now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      c.gone = true;
      c.out.clear();
      return;
    }
  }

  // Serves what `c` has buffered, one request at a time, and closes it when it is done. May
  // destroy `c`.
  void advance(Connection& c) {
    while (c.phase == Phase::kReading && c.out.empty() && !c.close_after) {
      Framed framed = frame_append(c.in, api_.options.max_body_bytes);
      if (framed.kind == Framing::kIncomplete) break;
      if (framed.kind == Framing::kOther) return hand_to_worker(c);
      c.in.erase(0, framed.consumed);
      c.close_after = framed.close;
      framed.request.remote_addr = c.peer.remote_ip;
      framed.request.remote_port = c.peer.remote_port;
      framed.request.local_addr = c.peer.local_ip;
      framed.request.local_port = c.peer.local_port;
      httplib::Response res;
      auto prepared = prepare_stream_append(api_, framed.request, std::move(framed.stream), res);
      if (!prepared) {
        api_.metrics.http_response(res.status);
        c.out = response_bytes(res, c.close_after);
        send_out(c);
        continue;
      }
      c.phase = Phase::kAppending;
      batch_.push_back({.connection = c.id,
                        .close = c.close_after,
                        .prepared = std::move(*prepared),
                        .received = Clock::now()});
    }
    if (c.phase != Phase::kReading) return;
    if (c.gone || (c.close_after && c.out.empty())) close(c);
  }

  void hand_to_worker(Connection& c) {
    c.phase = Phase::kWorker;
    pool_.enqueue(
        [this, id = c.id, fd = c.fd, peer = c.peer, buffered = std::move(c.in)]() mutable {
          HttpServer::Served served = http_.serve_one(fd, std::move(buffered), peer);
          {
            const std::lock_guard lock(mutex_);
            completions_.push_back({.connection = id,
                                    .from_worker = true,
                                    .keep_open = served.keep_open,
                                    .unread = std::move(served.unread)});
          }
          wake();
        });
    c.in.clear();
  }

  void close(Connection& c) {
    ::close(c.fd);  // which also takes it out of the epoll set
    connections_.erase(c.id);
    resume_accepting();
  }

  // Hands the appends of this round to the committer.
  void submit() {
    if (batch_.empty()) return;
    {
      const std::lock_guard lock(mutex_);
      for (Job& job : batch_) jobs_.push_back(std::move(job));
    }
    batch_.clear();
    jobs_ready_.notify_one();
  }

  void take_completions() {
    std::uint64_t count = 0;
    (void)!::read(wake_fd_, &count, sizeof(count));
    std::vector<Completion> done;
    {
      const std::lock_guard lock(mutex_);
      done.swap(completions_);
    }
    for (Completion& completion : done) {
      const auto it = connections_.find(completion.connection);
      if (it == connections_.end()) continue;
      Connection& c = *it->second;
      c.phase = Phase::kReading;
      c.active = Clock::now();
      if (completion.from_worker) {
        if (!completion.keep_open) {
          close(c);
          continue;
        }
        // Bytes that came while the worker had the socket raised edges the loop ignored.
        c.in = std::move(completion.unread);
        receive(c);
      } else {
        answer(c, *completion.job, *completion.outcome, completion.ended);
        if (std::exchange(c.unread, false)) receive(c);
      }
      advance(c);
    }
  }

  // Sends the response to `job`'s append.
  void answer(Connection& c, const Job& job, const Result<AppendResult>& outcome,
              Clock::time_point ended) {
    httplib::Response res;
    respond_stream_append(
        api_, job.prepared, outcome,
        std::chrono::duration_cast<std::chrono::microseconds>(ended - job.received), res);
    api_.metrics.http_response(res.status);
    c.out = response_bytes(res, job.close);
    send_out(c);
  }

  void close_idle() {
    const auto now = Clock::now();
    std::vector<Connection*> idle;
    for (const auto& [id, c] : connections_) {
      if (c->phase == Phase::kReading && now - c->active > idle_limit_) idle.push_back(c.get());
    }
    for (Connection* c : idle) close(*c);
  }

  void run_committer() {
    std::vector<Job> jobs;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        jobs_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        jobs.swap(jobs_);
      }
      std::vector<Completion> done = commit(jobs);
      jobs.clear();
      {
        const std::lock_guard lock(mutex_);
        for (Completion& completion : done) completions_.push_back(std::move(completion));
      }
      wake();
    }
  }

  // Appends `jobs` with one append_each() per store they go to (tenant-scoped tokens have their
  // own); the outcomes are for the loop to answer.
  std::vector<Completion> commit(std::vector<Job>& jobs) {
    std::vector<Completion> done;
    done.reserve(jobs.size());
    std::vector<bool> taken(jobs.size(), false);
    for (std::size_t first = 0; first < jobs.size(); ++first) {
      if (taken[first]) continue;
      EventStore* store = jobs[first].prepared.store;
      std::vector<std::size_t> mine;
      std::vector<AppendRequest> requests;
      for (std::size_t i = first; i < jobs.size(); ++i) {
        if (taken[i] || jobs[i].prepared.store != store) continue;
        taken[i] = true;
        mine.push_back(i);
        requests.push_back(jobs[i].prepared.request());
      }
      std::vector<Result<AppendResult>> outcomes;
      try {
        outcomes = store->append_each(requests);
      } catch (const std::exception& e) {
        outcomes.assign(requests.size(), Status::internal(e.what()));
      }
      const auto ended = Clock::now();
      for (std::size_t k = 0; k < mine.size(); ++k) {
        done.push_back({.connection = jobs[mine[k]].connection,
                        .job = std::move(jobs[mine[k]]),
                        .outcome = std::move(outcomes[k]),
                        .ended = ended});
      }
    }
    return done;
  }

  Api& api_;
  HttpServer& http_;
  httplib::ThreadPool pool_;
  const std::chrono::seconds idle_limit_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  bool stopped_ = false;  // stop() ran
  std::thread loop_;
  std::thread committer_;

  // The loop thread's own.
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::uint64_t next_id_ = kWakeId + 1;
  bool accepting_ = true;   // the listening socket is in the epoll set
  std::vector<Job> batch_;  // appends read this round
  std::array<char, kReadChunk> read_buffer_{};

  std::mutex mutex_;  // guards what follows
  std::condition_variable jobs_ready_;
  std::vector<Job> jobs_;                // for the committer
  std::vector<Completion> completions_;  // for the loop
  bool stopping_ = false;
};

FrontEnd::FrontEnd(Api& api, HttpServer& http, std::size_t workers)
    : impl_(std::make_unique<Impl>(api, http, workers)) {}

FrontEnd::~FrontEnd() = default;

Status FrontEnd::listen(const std::string& bind, int port) { return impl_->listen(bind, port); }

int FrontEnd::port() const { return impl_->port(); }

void FrontEnd::start() { impl_->start(); }

void FrontEnd::stop() { impl_->stop(); }

}  // namespace es::serve

#include "bus_command.h"

#include <pthread.h>

#include <csignal>
#include <ctime>

#if ES_CLI_HAS_BUS_REDIS
#include "es/bus/redis.h"
#endif
#if ES_CLI_HAS_BUS_NATS
#include "es/bus/nats.h"
#endif

namespace es::cli {
namespace {

[[maybe_unused]] Status not_built(const BusUrl& url, std::string_view library) {
  return Status::unavailable("this es was built without the " + url.scheme + " adapter (" +
                             std::string(library) + " was not found at build time)");
}

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

Result<std::unique_ptr<Publisher>> open_publisher(const BusUrl& url) {
  if (url.scheme == "redis") {
#if ES_CLI_HAS_BUS_REDIS
    return make_redis_publisher(url);
#else
    return not_built(url, "hiredis");
#endif
  }
#if ES_CLI_HAS_BUS_NATS
  return make_nats_publisher(url);
#else
  return not_built(url, "libnats");
#endif
}

Result<std::unique_ptr<Receiver>> open_receiver(const BusUrl& url, const std::string& name) {
  if (url.scheme == "redis") {
#if ES_CLI_HAS_BUS_REDIS
    return make_redis_receiver(url, name);
#else
    return not_built(url, "hiredis");
#endif
  }
#if ES_CLI_HAS_BUS_NATS
  return make_nats_receiver(url, name);
#else
  return not_built(url, "libnats");
#endif
}

void block_stop_signals() {
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void wait_for_signal(const std::function<bool()>& running, std::chrono::seconds every,
                     const std::function<void()>& report) {
  const sigset_t signals = stop_signals();
  const timespec tick{0, 100'000'000};
  auto next = std::chrono::steady_clock::now() + every;
  while (running()) {
    const int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal == SIGINT || signal == SIGTERM) return;
    if (every.count() > 0 && std::chrono::steady_clock::now() >= next) {
      report();
      next += every;
    }
  }
}

}  // namespace es::cli

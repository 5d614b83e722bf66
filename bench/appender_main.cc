// es_bench_appender: W7's other process. Appends pings to a stream of a store (SQLite or
// PostgreSQL), one event per append, while the subscriber in the parent process measures the
// latency.
//
//   es_bench_appender URL STREAM COUNT
#include <cstdlib>
#include <iostream>

#include "es/store/open.h"
#include "ping.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: es_bench_appender URL STREAM COUNT\n";
    return 2;
  }
  auto store = es::open(argv[1]);
  if (!store) {
    std::cerr << "es_bench_appender: " << store.error().to_string() << "\n";
    return 1;
  }
  const es::Status status =
      es::bench::append_pings(**store, argv[2], std::strtoull(argv[3], nullptr, 10));
  if (status.is_ok()) return 0;
  std::cerr << "es_bench_appender: " << status.to_string() << "\n";
  return 1;
}

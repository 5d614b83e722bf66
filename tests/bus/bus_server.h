// The throwaway bus servers of the tests: CTest starts redis-server and nats-server -js
// (scripts/redis.sh, scripts/nats.sh; FIXTURES_SETUP tests) and passes their URLs in
// ES_TEST_REDIS_URL and ES_TEST_NATS_URL (the data directory of the test's bus is the compile-time
// ES_TEST_BUS_DIR). Without them the test fails: nothing is skipped.
#pragma once

#include <memory>
#include <string>

#include "es/bus/bus_url.h"
#include "es/bus/publisher.h"
#include "es/bus/receiver.h"

namespace es::testing {

// "redis://127.0.0.1:PORT" or "nats://127.0.0.1:PORT" of the test server; fails the test (and
// returns "") when the variable is not set.
std::string test_bus_server(const std::string& scheme);
// A stream key or subject no other test uses, on the test server of `scheme`.
BusUrl fresh_bus_url(const std::string& scheme);

std::unique_ptr<Publisher> open_test_publisher(const BusUrl& url);
std::unique_ptr<Receiver> open_test_receiver(const BusUrl& url, const std::string& name);

// Stops the test server of `scheme` (the one in ES_TEST_BUS_DIR) (it finishes its writes first) and
// starts it again on the same port and data directory; true when both worked.
bool stop_bus_server(const std::string& scheme);
bool start_bus_server(const std::string& scheme);

}  // namespace es::testing

#include "bus/bus_server.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "es/bus/redis.h"
#include "es/core/uuid.h"
#if ES_TEST_HAS_NATS
#include "es/bus/nats.h"
#endif

namespace es::testing {
namespace {

std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name << " is not set: run the test through ctest, which starts the server";
    return "";
  }
  return value;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// scripts/<scheme>.sh with its arguments, through the shell; true on exit status 0.
bool run_script(const std::string& scheme, const std::string& args) {
  const std::string command =
      std::string(ES_SOURCE_DIR) + "/scripts/" + scheme + ".sh " + args + " >/dev/null";
  return std::system(command.c_str()) == 0;
}

}  // namespace

std::string test_bus_server(const std::string& scheme) {
  return env("ES_TEST_" + upper(scheme) + "_URL");
}

BusUrl fresh_bus_url(const std::string& scheme) {
  const std::string id = Uuid::v7().to_string();
  const std::string target = scheme == "nats" ? "es.test." + id.substr(24) : "es-test-" + id;
  auto url = parse_bus_url(test_bus_server(scheme) + "/" + target);
  EXPECT_TRUE(url) << url.error().to_string();
  return url.value_or(BusUrl{});
}

std::unique_ptr<Publisher> open_test_publisher(const BusUrl& url) {
#if ES_TEST_HAS_NATS
  auto publisher = url.scheme == "nats" ? make_nats_publisher(url) : make_redis_publisher(url);
#else
  auto publisher = make_redis_publisher(url);
#endif
  EXPECT_TRUE(publisher) << publisher.error().to_string();
  return publisher ? std::move(*publisher) : nullptr;
}

std::unique_ptr<Receiver> open_test_receiver(const BusUrl& url, const std::string& name) {
#if ES_TEST_HAS_NATS
  auto receiver =
      url.scheme == "nats" ? make_nats_receiver(url, name) : make_redis_receiver(url, name);
#else
  auto receiver = make_redis_receiver(url, name);
#endif
  EXPECT_TRUE(receiver) << receiver.error().to_string();
  return receiver ? std::move(*receiver) : nullptr;
}

bool stop_bus_server(const std::string& scheme) {
  return run_script(scheme, "stop " + std::string(ES_TEST_BUS_DIR));
}

bool start_bus_server(const std::string& scheme) {
  auto url = parse_bus_url(test_bus_server(scheme) + "/x");
  if (!url) return false;
  return run_script(scheme,
                    "start " + std::string(ES_TEST_BUS_DIR) + " " + std::to_string(url->port));
}

}  // namespace es::testing

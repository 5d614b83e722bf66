// What `es relay` and `es consume` share: the bus adapter a URL names (kUnavailable when this
// build of es lacks it), and running until SIGINT or SIGTERM with a status line now and then.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "es/bus/bus_url.h"
#include "es/bus/publisher.h"
#include "es/bus/receiver.h"
#include "es/core/result.h"

namespace es::cli {

Result<std::unique_ptr<Publisher>> open_publisher(const BusUrl& url);
Result<std::unique_ptr<Receiver>> open_receiver(const BusUrl& url, const std::string& name);

// Blocks SIGINT and SIGTERM in the calling thread and in the threads it starts afterwards, so
// that wait_for_signal() takes them. Call before starting the relay or the consumer.
void block_stop_signals();
// Calls `report` every `every` (never when zero) until SIGINT or SIGTERM or until `running`
// turns false.
void wait_for_signal(const std::function<bool()>& running, std::chrono::seconds every,
                     const std::function<void()>& report);

}  // namespace es::cli

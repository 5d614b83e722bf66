// The Redis Streams adapter (target es::bus_redis, built when hiredis is found; DESIGN §9).
//
// The publisher adds one stream entry per event (XADD key * <envelope fields>, es/bus/envelope.h)
// and pipelines a whole batch on one connection, waiting for every reply. Redis applies the
// entries of one connection in order, so the stream holds the events in position order.
// The receiver is the member `name` of the consumer group `name` on the stream (created from
// the stream's start if missing): it first re-reads what it fetched and did not acknowledge
// before (after a crash), then new entries, blocking up to the fetch wait; ack() is XACK.
// Both connect lazily and again after a failure (kUnavailable until the server answers).
//
// Durability is the server's: run redis with appendonly yes and appendfsync always (as
// scripts/redis.sh does) so that an acknowledged entry survives a server crash.
//
// Thread safety: as Publisher and Receiver: one thread at a time.
//
//   auto url = es::parse_bus_url("redis://127.0.0.1:6379/orders");
//   auto publisher = es::make_redis_publisher(*url);
//   auto receiver = es::make_redis_receiver(*url, "billing");
#pragma once

#include <memory>
#include <string>

#include "es/bus/bus_url.h"
#include "es/bus/publisher.h"
#include "es/bus/receiver.h"
#include "es/core/result.h"

namespace es {

// kInvalidArgument unless `url` is a redis:// URL with a stream key.
Result<std::unique_ptr<Publisher>> make_redis_publisher(const BusUrl& url);
Result<std::unique_ptr<Receiver>> make_redis_receiver(const BusUrl& url, std::string name);

}  // namespace es

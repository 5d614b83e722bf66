// The NATS JetStream adapter (target es::bus_nats, built when libnats is found; DESIGN §9).
//
// One JetStream stream holds the subject: named ES_<subject with '.', '*', '>' as '_'>, created
// with file storage if missing. The publisher sends each event as one message on the subject —
// the data as payload, the other envelope fields (es/bus/envelope.h) as headers "es-<field>",
// and the event id as Nats-Msg-Id, so that the server drops a copy published again within the
// stream's duplicate window. A batch goes out at once: each message after the first expects the
// one before it as the stream's last (Nats-Expected-Last-Msg-Id), so only the last message is a
// JetStream publish, and its acknowledgement proves the whole batch stored in order (every other
// message is a plain publish without a reply). The receiver is the durable pull consumer `name`
// (explicit acks, AckAll); on each (re)connect it is set to resume right after its
// acknowledgement floor, so messages that were fetched and never acknowledged come again first,
// in order.
// Both connect lazily and again after a failure (kUnavailable until the server answers).
//
// Thread safety: as Publisher and Receiver: one thread at a time.
//
//   auto url = es::parse_bus_url("nats://127.0.0.1:4222/shop.events");
//   auto publisher = es::make_nats_publisher(*url);
//   auto receiver = es::make_nats_receiver(*url, "billing");
#pragma once

#include <memory>
#include <string>

#include "es/bus/bus_url.h"
#include "es/bus/publisher.h"
#include "es/bus/receiver.h"
#include "es/core/result.h"

namespace es {

// kInvalidArgument unless `url` is a nats:// URL with a subject.
Result<std::unique_ptr<Publisher>> make_nats_publisher(const BusUrl& url);
Result<std::unique_ptr<Receiver>> make_nats_receiver(const BusUrl& url, std::string name);

}  // namespace es

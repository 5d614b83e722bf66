// The exactly-once runner's DeliverySink: each unit of work is one transaction of the read-model
// database holding the handlers' writes (through es::Tx), the dead letters parked or removed, and
// the checkpoint — so a parked event and the checkpoint past it commit together, and a
// redelivered event's effects and the removal of its letter too. The same on every ReadModel
// (SQLite, PostgreSQL).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "projection/delivery_sink.h"
#include "projection/exactly_once.h"

namespace es::detail {

struct ReadModelSinkParts {
  std::shared_ptr<void> owner;               // keeps `model` and `saved` alive
  ReadModel* model = nullptr;                // its letters are kept under checkpoint_name
  std::optional<Position>* saved = nullptr;  // the committed checkpoint, updated on commit
  std::string checkpoint_name;
  std::function<Status(const RecordedEvent&, Tx&)> handle;
};

std::unique_ptr<DeliverySink> make_read_model_sink(ReadModelSinkParts parts);

}  // namespace es::detail

#include "es/bus/publisher.h"

namespace es {

Status Publisher::publish(std::span<const RecordedEvent> events) {
  if (events.empty()) return Status::ok();
  ES_RETURN_IF_ERROR(do_publish(events));
  published_ += events.size();
  return Status::ok();
}

}  // namespace es

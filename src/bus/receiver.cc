#include "es/bus/receiver.h"

namespace es {

Result<std::vector<RecordedEvent>> Receiver::fetch(std::size_t max_count,
                                                   std::chrono::milliseconds wait) {
  if (max_count == 0) return Status::invalid_argument("fetch needs max_count of at least 1");
  return do_fetch(max_count, wait);
}

Status Receiver::ack() { return do_ack(); }

}  // namespace es

// The typed payload of testing::make_events ({"n":<i>} under "test.Happened"), for tests that
// feed those events to typed projection handlers.
#pragma once

#include <cstdint>

#include "es/domain/event.h"

namespace es {

struct Happened {
  std::int64_t n = 0;
};
ES_EVENT(Happened, "test.Happened", 1, n)

}  // namespace es

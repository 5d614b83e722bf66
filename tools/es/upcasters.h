// The upcasters compiled into `es`, which `read --upcast` and `read-all --upcast` apply to every
// event before printing it. The choice lives in upcasters.cc, the one place to change it.
//
// Thread safety: built on first use (thread-safe static), read-only afterwards.
//
//   const es::Upcasters& up = es::cli::compiled_upcasters();
//   if (up.applies_to(event.type, event.schema_version)) { ... }
#pragma once

#include "es/domain/upcaster.h"

namespace es::cli {

const Upcasters& compiled_upcasters();

}  // namespace es::cli

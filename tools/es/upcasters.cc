#include "upcasters.h"

#include "bank/upcasters.h"

namespace es::cli {

const Upcasters& compiled_upcasters() {
  // The bank example's schema history. A project building its own `es` registers its domains'
  // upcasters here instead (all of them in one es::Upcasters, as its repositories use them).
  static const Upcasters kUpcasters = bank::upcasters();
  return kUpcasters;
}

}  // namespace es::cli

// Must not compile: two events of one EventSet share the stored type name.
// CTest (domain_compile_fail_duplicate_type_name) expects the static_assert in
// es/domain/event_set.h.
#include "es/domain/event_set.h"

namespace {

struct Opened {
  std::int64_t at = 0;
};
ES_EVENT(Opened, "bank.AccountOpened", 1, at)

struct OpenedAgain {
  std::int64_t at = 0;
};
ES_EVENT(OpenedAgain, "bank.AccountOpened", 1, at)

}  // namespace

int main() { return es::EventSet<std::variant<Opened, OpenedAgain>>::contains("x") ? 1 : 0; }

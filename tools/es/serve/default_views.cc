// The aggregates `es serve` shows by default. Add an application's own with aggregate_view<A>().
#include <memory>

#include "aggregate_views.h"
#include "bank/account.h"
#include "bank/upcasters.h"

namespace es::serve {

AggregateViews default_aggregate_views() {
  AggregateViews views;
  views.add(aggregate_view<bank::Account>("account",
                                          std::make_shared<const Upcasters>(bank::upcasters())));
  return views;
}

}  // namespace es::serve

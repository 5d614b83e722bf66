// Overloaded: a set of lambdas as one visitor, so std::visit over an event or command variant
// names every alternative — and does not compile when one is missing (STYLE: dispatch events
// with std::visit and this helper).
//
// Thread safety: a value type; as safe as the lambdas it holds.
//
//   std::visit(es::Overloaded{[](const ItemAdded& e) { ... },
//                                 [](const OrderCancelled&) { ... }},
//              event);
#pragma once

namespace es {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace es

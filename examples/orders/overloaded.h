// Overloaded: a set of lambdas as one visitor, so std::visit over an event or command variant
// names every alternative — and does not compile when one is missing.
//
// Thread safety: a value type; as safe as the lambdas it holds.
//
//   std::visit(orders::Overloaded{[](const ItemAdded& e) { ... },
//                                 [](const OrderCancelled&) { ... }},
//              event);
#pragma once

namespace orders {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace orders

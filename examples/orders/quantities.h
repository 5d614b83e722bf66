// Quantities: units per SKU — what an order asks for and what a reservation holds. Both the Order
// and the Inventory speak it, so it lives apart from either.
//
// Thread safety: a value type.
//
//   orders::Quantities wanted{{"sku-red-mug", 2}, {"sku-tea", 1}};
//   std::int64_t mugs = wanted.at("sku-red-mug");
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace orders {

// SKU → units; std::map so that equal quantities encode to equal JSON.
using Quantities = std::map<std::string, std::int64_t>;

}  // namespace orders

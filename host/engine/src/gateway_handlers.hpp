#pragma once
// Exclusive and parallel gateways (split and join; mixed gateways fail when reached).

#include "element_handlers.hpp"

namespace processhost::engine {

const ElementHandler& exclusive_gateway_handler();
const ElementHandler& parallel_gateway_handler();

}  // namespace processhost::engine

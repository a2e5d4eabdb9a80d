#pragma once
// How an asynchronous service call completes: once, with a value or an Error. Where it runs
// (inline or on a service thread) is said by each service; a callback must not block.

#include <functional>

#include "processhost/result.hpp"

namespace processhost {

template <class T>
using Callback = std::function<void(Result<T>)>;

}  // namespace processhost

// eventually(): waits for a condition by polling it with a deadline, so a
// test waits exactly as long as the thing it waits for takes and never
// relies on a fixed sleep. Calls only `predicate`; test-only.
#pragma once

#include <chrono>
#include <thread>

namespace spamgate::testing {

// Polls `predicate` every 20 ms until it is true or `timeout` passes; the
// last poll's answer (true as soon as the condition holds).
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

}  // namespace spamgate::testing

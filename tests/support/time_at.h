// Test times written as seconds since the epoch: at(1700000000.5). Test-only.
#pragma once

#include <chrono>

#include "util/clock.h"

namespace spamgate::testing {

inline TimePoint at(double seconds) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(seconds))};
}

}  // namespace spamgate::testing

// What the fuzz targets assert on every input: require() prints the broken
// invariant and where it is checked, then aborts, so libFuzzer keeps the
// input as a crash. No doctest here (a fuzz target has none); never throws.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace spamgate::testing {

// Aborts with "invariant broken: <what> (file:line of the call)" unless `condition` holds.
inline void require(bool condition, const char* what, const char* file = __builtin_FILE(),
                    int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "invariant broken: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace spamgate::testing

// require() with the condition's own text as the message.
#define REQUIRE_INVARIANT(condition) ::spamgate::testing::require((condition), #condition)

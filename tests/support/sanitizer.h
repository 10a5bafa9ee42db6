// Whether the tests were built with AddressSanitizer (scripts/test's second
// run), for the few cases that measure memory, only wait on timers, or
// repeat pure computation there that the optimised run already checks.
#pragma once

namespace spamgate::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif
#else
inline constexpr bool kUnderAsan = false;
#endif

}  // namespace spamgate::testing

// cat(): joins text and numbers into one std::string for test fixtures,
// e.g. cat("t", 3, "-", 249) == "t3-249". (The "lit" + std::to_string(n)
// idiom trips GCC 12's -Wrestrict false positive, PR 105651, at -O3.)
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace spamgate::testing {

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  auto append = [&out](const auto& part) {
    using Part = std::decay_t<decltype(part)>;
    if constexpr (std::is_same_v<Part, char>) out += part;
    else if constexpr (std::is_arithmetic_v<Part>) out += std::to_string(part);
    else out += std::string_view(part);
  };
  (append(parts), ...);
  return out;
}

}  // namespace spamgate::testing

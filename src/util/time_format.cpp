#include "util/time_format.h"

#include <ctime>

namespace spamgate {

std::string format_utc(int64_t unix_seconds, const char* format) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[64];
  const size_t length = std::strftime(text, sizeof text, format, &parts);
  return std::string(text, length);
}

}  // namespace spamgate

#include "util/logfmt.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "util/time_format.h"

namespace spamgate {

std::string logfmt_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (unsigned char c : value)
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) needs_quotes = true;
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < ' ' || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

LogLine::LogLine(std::string_view level) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char millis_text[16];
  std::snprintf(millis_text, sizeof millis_text, ".%03dZ", static_cast<int>(millis));
  line_ = "time=" + format_utc(seconds, "%Y-%m-%dT%H:%M:%S") + millis_text;
  add("level", level);
}

LogLine& LogLine::add(std::string_view key, std::string_view value) {
  line_ += ' ';
  line_ += key;
  line_ += '=';
  line_ += logfmt_value(value);
  return *this;
}

std::string format_number(double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%g", value);
  return number;
}

LogLine& LogLine::add(std::string_view key, double value) { return add(key, format_number(value)); }

LogLine& LogLine::add(std::string_view key, long long value) { return add(key, std::to_string(value)); }

void LogLine::write() const {
  std::string out = line_ + "\n";
  size_t written = 0;
  while (written < out.size()) {
    ssize_t n = ::write(STDERR_FILENO, out.data() + written, out.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

}  // namespace spamgate

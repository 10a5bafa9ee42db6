#include "util/logfmt.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>

#include "util/time_format.h"

namespace spamgate {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value)
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) return true;
  return false;
}

// Appends `value` as logfmt writes it (see logfmt_value).
void append_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < ' ' || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

// "2026-12-01T03:38:49" for `seconds`, formatted once per second per thread.
std::string_view utc_second(std::time_t seconds) {
  thread_local std::time_t cached_seconds = -1;
  thread_local std::string cached_text;
  if (seconds != cached_seconds) {
    cached_text = format_utc(seconds, "%Y-%m-%dT%H:%M:%S");
    cached_seconds = seconds;
  }
  return cached_text;
}

}  // namespace

std::string logfmt_value(std::string_view value) {
  std::string out;
  append_value(out, value);
  return out;
}

LogLine::LogLine(std::string_view level) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  line_.reserve(256);
  line_ += "time=";
  line_ += utc_second(seconds);
  line_ += '.';
  line_ += static_cast<char>('0' + millis / 100);
  line_ += static_cast<char>('0' + millis / 10 % 10);
  line_ += static_cast<char>('0' + millis % 10);
  line_ += 'Z';
  add("level", level);
}

LogLine& LogLine::add(std::string_view key, std::string_view value) {
  line_ += ' ';
  line_ += key;
  line_ += '=';
  append_value(line_, value);
  return *this;
}

namespace {

// printf's "%g" (to_chars with a precision is specified as printf), without
// printf's locale and stream machinery.
std::string_view format_g(double value, char (&buffer)[32]) {
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6);
  return error == std::errc() ? std::string_view(buffer, static_cast<size_t>(end - buffer)) : std::string_view("nan");
}

}  // namespace

std::string format_number(double value) {
  char buffer[32];
  return std::string(format_g(value, buffer));
}

LogLine& LogLine::add(std::string_view key, double value) {
  char buffer[32];
  return add(key, format_g(value, buffer));
}

LogLine& LogLine::add(std::string_view key, long long value) {
  char number[24];
  const auto end = std::to_chars(number, number + sizeof number, value).ptr;
  return add(key, std::string_view(number, static_cast<size_t>(end - number)));
}

void LogLine::write() const {
  // One writev: the line and its newline land together, never split by
  // another thread's line.
  char newline = '\n';
  iovec parts[2] = {{const_cast<char*>(line_.data()), line_.size()}, {&newline, 1}};
  size_t left = line_.size() + 1;
  while (left > 0) {
    const ssize_t n = ::writev(STDERR_FILENO, parts, 2);
    if (n <= 0) return;
    left -= static_cast<size_t>(n);
    if (left == 0) return;
    // A short write (rare): finish with plain writes of what is left.
    size_t skip = static_cast<size_t>(n);
    for (iovec& part : parts) {
      const size_t used = std::min(skip, part.iov_len);
      part.iov_base = static_cast<char*>(part.iov_base) + used;
      part.iov_len -= used;
      skip -= used;
    }
  }
}

}  // namespace spamgate

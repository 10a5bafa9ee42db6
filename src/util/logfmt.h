// Logfmt: one-line structured log records (key=value, values quoted when
// needed) written to stderr with a single write, so lines from many
// threads never interleave. Never pass a secret to it.
#pragma once

#include <string>
#include <string_view>

namespace spamgate {

class LogLine {
 public:
  // Starts a line with time=<RFC 3339 UTC> level=<level>.
  explicit LogLine(std::string_view level = "info");
  LogLine& add(std::string_view key, std::string_view value);
  LogLine& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  LogLine& add(std::string_view key, const std::string& value) { return add(key, std::string_view(value)); }
  LogLine& add(std::string_view key, double value);
  LogLine& add(std::string_view key, long long value);
  LogLine& add(std::string_view key, int value) { return add(key, static_cast<long long>(value)); }
  LogLine& add(std::string_view key, unsigned long value) { return add(key, static_cast<long long>(value)); }
  LogLine& add(std::string_view key, long value) { return add(key, static_cast<long long>(value)); }
  const std::string& text() const { return line_; }
  // Writes the line and a newline to stderr.
  void write() const;

 private:
  std::string line_;
};

// A number in its shortest readable form: 6.5, 10, 0.25.
std::string format_number(double value);

// A value as logfmt writes it: bare when safe, else quoted with \" \\ \n
// escapes and control bytes as \xNN.
std::string logfmt_value(std::string_view value);

}  // namespace spamgate

// Formatting of unix times for people and logs, always in UTC.
#pragma once

#include <cstdint>
#include <string>

namespace spamgate {

// `unix_seconds` formatted with strftime's `format` in UTC, e.g.
// format_utc(0, "%Y-%m-%dT%H:%M:%SZ") == "1970-01-01T00:00:00Z".
std::string format_utc(int64_t unix_seconds, const char* format);

// The same as an RFC 3339 timestamp: "2026-11-23T10:00:00Z".
inline std::string rfc3339_utc(int64_t unix_seconds) { return format_utc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace spamgate

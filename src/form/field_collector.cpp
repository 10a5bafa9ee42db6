#include "form/field_collector.h"

#include <algorithm>

#include "util/utf8.h"

namespace spamgate {

FieldCollector::FieldCollector(const LimitsConfig& limits, size_t expected_fields) : limits_(limits) {
  const size_t cap = static_cast<size_t>(std::max(limits.max_fields, 0)) + 1;
  result_.fields.reserve(std::min(expected_fields, cap));
}

bool FieldCollector::fail(int http_status, std::string reason) {
  result_.error = {http_status, std::move(reason)};
  result_.fields.clear();
  return false;
}

bool FieldCollector::count_only() {
  if (++counted_ > limits_.max_fields) return fail(400, "more than " + std::to_string(limits_.max_fields) + " form fields");
  return true;
}

bool FieldCollector::add(std::string name, std::string value) {
  if (!count_only()) return false;
  const auto max_bytes = static_cast<size_t>(std::max<int64_t>(limits_.max_field_bytes, 0));
  if (name.size() > max_bytes)
    return fail(413, "field name " + escape_for_reason(name) + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (name.find('\0') != std::string::npos) return fail(400, "NUL byte in field name " + escape_for_reason(name));
  if (!is_valid_utf8(name)) return fail(400, "invalid UTF-8 in field " + escape_for_reason(name));
  if (value.size() > max_bytes)
    return fail(413, "field " + escape_for_reason(name) + " is longer than " + std::to_string(max_bytes) + " bytes");
  if (!is_valid_utf8(value)) return fail(400, "invalid UTF-8 in field " + escape_for_reason(name));
  result_.fields.emplace_back(std::move(name), std::move(value));
  return true;
}

std::string escape_for_reason(std::string_view text) {
  if (text.empty()) return "(empty)";
  static constexpr size_t kMaxShown = 64;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

}  // namespace spamgate

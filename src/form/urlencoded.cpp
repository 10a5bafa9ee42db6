#include "form/urlencoded.h"

#include <algorithm>
#include <string>

#include "form/field_collector.h"
#include "util/ascii.h"

namespace spamgate {
namespace {

// Decodes one component into `out`. False on a malformed %-escape.
bool percent_decode(std::string_view in, std::string& out) {
  out.resize(in.size());  // decoding never lengthens
  char* to = out.data();
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      *to++ = ' ';
    } else if (c != '%') {
      *to++ = c;
    } else {
      const int high = i + 1 < in.size() ? hex_digit_value(in[i + 1]) : -1;
      const int low = i + 2 < in.size() ? hex_digit_value(in[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      *to++ = static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  out.resize(static_cast<size_t>(to - out.data()));
  return true;
}

}  // namespace

FormResult decode_urlencoded(std::string_view body, const LimitsConfig& limits) {
  FieldCollector collector(limits, static_cast<size_t>(std::count(body.begin(), body.end(), '&')) + 1);
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;

    const size_t equals = pair.find('=');
    const std::string_view raw_name = pair.substr(0, equals);
    const std::string_view raw_value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    std::string name;
    std::string value;
    if (!percent_decode(raw_name, name)) {
      collector.fail(400, "malformed percent-encoding in field name " + escape_for_reason(raw_name));
      break;
    }
    if (!percent_decode(raw_value, value)) {
      collector.fail(400, "malformed percent-encoding in field " + escape_for_reason(name));
      break;
    }
    if (!collector.add(std::move(name), std::move(value))) break;
  }
  return collector.finish();
}

}  // namespace spamgate

#include "support/mail_read.h"

#include <strings.h>

#include <boost/regex.hpp>

#include "support/mail_decode.h"

namespace spamgate::testing {

std::vector<HeaderField> header_fields(const std::string& data) {
  std::vector<HeaderField> fields;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string::npos) end = data.size();
    const std::string line = data.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back().value += line;
      continue;
    }
    const size_t colon = line.find(':');
    const bool is_field = colon != std::string::npos && colon > 0 &&
                          line.find_first_of(" \t") > colon;  // field names hold no white space
    if (!is_field) {
      fields.push_back({"", line});
      continue;
    }
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    fields.push_back({line.substr(0, colon), value});
  }
  return fields;
}

std::vector<std::string> header_values(const std::vector<HeaderField>& fields, const std::string& name) {
  std::vector<std::string> values;
  for (const HeaderField& field : fields)
    if (field.name.size() == name.size() && strcasecmp(field.name.c_str(), name.c_str()) == 0)
      values.push_back(field.value);
  return values;
}

std::string header_value(const std::vector<HeaderField>& fields, const std::string& name) {
  std::vector<std::string> values = header_values(fields, name);
  return values.empty() ? "" : values.front();
}

std::string field_value(const std::string& data, const std::string& name) {
  return header_value(header_fields(data), name);
}

int field_count(const std::string& data, const std::string& name) {
  return static_cast<int>(header_values(header_fields(data), name).size());
}

std::vector<std::string> header_lines(const std::string& data) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < data.size()) {
    const size_t end = data.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    lines.push_back(data.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string raw_field(const std::string& data, const std::string& name) {
  std::string out;
  bool in_field = false;
  for (const std::string& line : header_lines(data)) {
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_field) out += "\r\n" + line;
      continue;
    }
    if (in_field) break;
    if (line.rfind(name + ":", 0) == 0) {
      in_field = true;
      out = line;
    }
  }
  return out;
}

std::string message_body(const std::string& data) {
  const size_t at = data.find("\r\n\r\n");
  return at == std::string::npos ? "" : data.substr(at + 4);
}

std::string subject_of(const std::string& data) { return decode_words(field_value(data, "Subject")); }

std::vector<std::string> encoded_words(const std::string& value) {
  static const boost::regex word(R"(=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=)");
  std::vector<std::string> words;
  for (boost::sregex_iterator it(value.begin(), value.end(), word), end; it != end; ++it) words.push_back(it->str());
  return words;
}

}  // namespace spamgate::testing

#include "mail_test_support.h"

#include <boost/regex.hpp>
#include <stdexcept>

namespace mailtest {

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

std::string body_of(const std::string& data) {
  const size_t split = data.find("\r\n\r\n");
  return split == std::string::npos ? "" : data.substr(split + 4);
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

std::string field_value(const std::string& data, const std::string& name) {
  std::string raw = raw_field(data, name);
  if (raw.empty()) return "";
  std::string unfolded;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') {
      ++i;
      continue;
    }
    unfolded += raw[i];
  }
  return unfolded.substr(name.size() + 2);
}

int field_count(const std::string& data, const std::string& name) {
  int count = 0;
  for (const std::string& line : header_lines(data))
    if (line.rfind(name + ":", 0) == 0) ++count;
  return count;
}

std::vector<std::string> encoded_words(const std::string& value) {
  static const boost::regex word(R"(=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=)");
  std::vector<std::string> words;
  for (boost::sregex_iterator it(value.begin(), value.end(), word), end; it != end; ++it) words.push_back(it->str());
  return words;
}

std::string decode_word(const std::string& word) {
  std::string out;
  mail_decode::decode_word(word, out);
  return out;
}

}  // namespace mailtest

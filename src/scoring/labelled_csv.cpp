// The YouTube Spam Collection CSV reader behind read_labelled_csv().
#include <algorithm>
#include <fstream>
#include <sstream>

#include "scoring/eval.h"

namespace spamgate {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Splits RFC 4180 CSV into rows of fields, remembering each row's first line.
class CsvReader {
 public:
  explicit CsvReader(std::string text) : text_(std::move(text)) {}

  // The next row, or false at the end. `error` is set for an unclosed quote.
  bool next(std::vector<std::string>& row, int& row_line, std::string& error) {
    row.clear();
    if (pos_ >= text_.size()) return false;
    row_line = line_;
    std::string field;
    bool quoted = false;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (quoted) {
        if (c == '"' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') field += text_[++pos_];
        else if (c == '"') quoted = false;
        else field += c;
        if (c == '\n') ++line_;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.push_back(clean(std::move(field)));
        field.clear();
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        break;
      } else if (c != '\r') {
        field += c;
      }
    }
    if (quoted) error = "unclosed quote";
    row.push_back(clean(std::move(field)));
    return true;
  }

 private:
  static std::string clean(std::string field) {
    while (field.size() >= kByteOrderMark.size() &&
           std::string_view(field).substr(field.size() - kByteOrderMark.size()) == kByteOrderMark)
      field.resize(field.size() - kByteOrderMark.size());
    return field;
  }

  std::string text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<LabelledComment>> read_labelled_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read"};
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (text.rfind(kByteOrderMark, 0) == 0) text.erase(0, kByteOrderMark.size());

  CsvReader reader(std::move(text));
  std::vector<std::string> row;
  int line = 0;
  std::string error;
  if (!reader.next(row, line, error)) return Error{path + ": empty file"};
  size_t author = row.size(), body = row.size(), label = row.size();
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == "AUTHOR") author = i;
    else if (row[i] == "CONTENT") body = i;
    else if (row[i] == "CLASS") label = i;
  }
  if (author == row.size() || body == row.size() || label == row.size())
    return Error{path + ":1: header must name AUTHOR, CONTENT and CLASS"};

  std::vector<LabelledComment> comments;
  const size_t needed = std::max({author, body, label}) + 1;
  while (reader.next(row, line, error)) {
    if (!error.empty()) return Error{path + ":" + std::to_string(line) + ": " + error};
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    if (row.size() < needed)
      return Error{path + ":" + std::to_string(line) + ": expected at least " + std::to_string(needed) + " fields"};
    if (row[label] != "0" && row[label] != "1")
      return Error{path + ":" + std::to_string(line) + ": CLASS must be 0 or 1, not '" + row[label] + "'"};
    comments.push_back({row[author], row[body], row[label] == "1", line});
  }
  return comments;
}

}  // namespace spamgate

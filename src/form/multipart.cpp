#include "form/multipart.h"

#include <algorithm>
#include <string>

#include "form/field_collector.h"
#include "util/ascii.h"

namespace spamgate {
namespace {

constexpr size_t kMaxBoundaryBytes = 70;
constexpr const char* kNoClosing = "multipart body has no closing boundary";

bool is_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char); }

// RFC 2046 bchars (space allowed except last, checked by the caller).
bool is_boundary_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Position of the first `stop` outside single or double quotes (PHP's
// php_ap_getword), or npos.
size_t find_unquoted(std::string_view text, char stop) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == stop) return i;
    if (c != '"' && c != '\'') continue;
    for (++i; i < text.size() && text[i] != c; ++i)
      if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == c) ++i;
    if (i >= text.size()) return std::string_view::npos;
  }
  return std::string_view::npos;
}

// Finds the boundary parameter in `content_type`. Returns "" and sets
// `boundary`, or returns the reason it is missing or unusable.
std::string parse_boundary(std::string_view content_type, std::string_view& boundary) {
  constexpr const char* kMalformed = "malformed boundary parameter in Content-Type";
  size_t param_at = std::string_view::npos;
  std::string_view param;
  for (size_t cut = content_type.find(';'); cut != std::string_view::npos;) {
    size_t start = cut + 1;
    while (start < content_type.size() && (content_type[start] == ' ' || content_type[start] == '\t')) ++start;
    const std::string_view rest = content_type.substr(start);
    const size_t end = find_unquoted(rest, ';');
    const std::string_view candidate = rest.substr(0, end);
    cut = end == std::string_view::npos ? end : start + end;
    if (!ascii_iequals(trim_ows(candidate.substr(0, candidate.find('='))), "boundary")) continue;
    if (param_at != std::string_view::npos) return "ambiguous boundary parameter in Content-Type";
    param_at = start;
    param = candidate;
  }
  if (param_at == std::string_view::npos) return "multipart/form-data without a boundary parameter";
  // PHP takes the first "boundary" substring of the header, whatever it is part of.
  const size_t php_at = content_type.find("boundary");
  if (php_at != std::string_view::npos && php_at != param_at) return "ambiguous boundary parameter in Content-Type";
  if (param.size() <= 8 || param[8] != '=') return kMalformed;

  const std::string_view rest = param.substr(9);
  std::string_view value;
  if (!rest.empty() && rest.front() == '"') {
    const size_t close = rest.find('"', 1);
    if (close == std::string_view::npos || !trim_ows(rest.substr(close + 1)).empty()) return kMalformed;
    value = rest.substr(1, close - 1);
  } else {
    value = rest.substr(0, rest.find(','));  // where PHP stops too
    if (value.find_first_of(" \t") != std::string_view::npos) return "invalid multipart boundary";
  }
  if (value.empty() || value.size() > kMaxBoundaryBytes || value.back() == ' ' ||
      !std::all_of(value.begin(), value.end(), is_boundary_char))
    return "invalid multipart boundary";
  boundary = value;
  return {};
}

struct PartHeaders {
  bool has_disposition = false;
  bool has_name = false;
  bool is_file = false;
  bool has_content_type = false;
  std::string name;
  std::string_view content_type;
};

// A Content-Disposition parameter value as PHP's php_ap_getword_conf reads
// it, but strict: the quote must close at the end, an unquoted value must
// be one word without quotes or backslashes. False when malformed.
bool parse_param_value(std::string_view raw, std::string& out) {
  raw = trim_ows(raw);
  out.clear();
  if (raw.empty()) return true;
  const char quote = raw.front();
  if (quote != '"' && quote != '\'') {
    if (raw.find_first_of(" \t\\\"'") != std::string_view::npos) return false;
    out.assign(raw);
    return true;
  }
  size_t i = 1;
  for (; i < raw.size() && raw[i] != quote; ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '\\' || raw[i + 1] == quote)) ++i;
    out += raw[i];
  }
  return i + 1 == raw.size();
}

std::string parse_disposition(std::string_view value, PartHeaders& part) {
  size_t cut = find_unquoted(value, ';');
  if (!ascii_iequals(trim_ows(value.substr(0, cut)), "form-data")) return "part Content-Disposition is not form-data";
  while (cut != std::string_view::npos) {
    value = value.substr(cut + 1);
    cut = find_unquoted(value, ';');
    const std::string_view param = trim_ows(value.substr(0, cut));
    if (param.empty()) continue;
    const size_t equals = param.find('=');
    if (equals == std::string_view::npos || !is_token(param.substr(0, equals)))
      return "malformed part Content-Disposition";
    const std::string_view key = param.substr(0, equals);
    const bool is_name = ascii_iequals(key, "name");
    if (!is_name && !ascii_iequals(key, "filename")) continue;
    bool& seen = is_name ? part.has_name : part.is_file;
    if (seen) return "duplicate " + std::string(key) + " in part Content-Disposition";
    seen = true;
    std::string parsed;
    if (!parse_param_value(param.substr(equals + 1), parsed)) return "malformed part Content-Disposition";
    if (is_name) part.name = std::move(parsed);
  }
  return {};
}

std::string read_header_line(std::string_view line, PartHeaders& part) {
  for (const char c : line)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) return "control character in part header";
  if (line.front() == ' ' || line.front() == '\t') return "folded part header";
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return "malformed part header";
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (ascii_iequals(name, "Content-Disposition")) {
    if (part.has_disposition) return "duplicate Content-Disposition in a part";
    part.has_disposition = true;
    return parse_disposition(value, part);
  }
  if (ascii_iequals(name, "Content-Type")) {
    if (part.has_content_type) return "duplicate Content-Type in a part";
    part.has_content_type = true;
    part.content_type = value;
  }
  return {};
}

// Reads the header block that starts at `start`. Returns "" and sets
// `content_start`, or the reason the headers are refused.
std::string read_part_headers(std::string_view body, size_t start, PartHeaders& part, size_t& content_start) {
  // The header lines with their CRLFs, plus the empty line that ends them.
  const std::string_view window = body.substr(0, std::min(body.size(), start + kMaxPartHeaderBytes + 2));
  const std::string too_long = "part headers longer than " + std::to_string(kMaxPartHeaderBytes) + " bytes";
  size_t line_start = start;
  for (;;) {
    const size_t eol = window.find("\r\n", line_start);
    if (eol == std::string_view::npos) return window.size() < body.size() ? too_long : kNoClosing;
    const std::string_view line = window.substr(line_start, eol - line_start);
    line_start = eol + 2;
    if (line.empty()) break;
    if (std::string error = read_header_line(line, part); !error.empty()) return error;
  }
  if (!part.has_disposition) return "part without Content-Disposition";
  if (!part.has_name) return "part without a field name";
  content_start = line_start;
  return {};
}

// Walks the parts of `body` and hands each to `collector`. Returns the
// syntax error, or "" (the collector may still have refused a field).
std::string read_parts(std::string_view body, std::string_view delimiter, FieldCollector& collector) {
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return "multipart body does not contain its boundary";
  if (at != 0 && (at < 2 || body.substr(at - 2, 2) != "\r\n")) return "malformed multipart boundary line";
  for (;;) {
    size_t pos = at + delimiter.size();
    if (body.substr(pos, 2) == "--") return {};  // the closing delimiter; any epilogue is ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (pos >= body.size()) return kNoClosing;
    if (body.substr(pos, 2) != "\r\n") return "malformed multipart boundary line";

    PartHeaders part;
    size_t content_start = 0;
    if (std::string error = read_part_headers(body, pos + 2, part, content_start); !error.empty()) return error;
    const size_t next = body.find(delimiter, content_start);
    if (next == std::string_view::npos) return kNoClosing;
    if (next < content_start + 2 || body.substr(next - 2, 2) != "\r\n")
      return "boundary string inside field " + escape_for_reason(part.name);
    const std::string_view media_type = trim_ows(part.content_type.substr(0, part.content_type.find(';')));
    if (ascii_istarts_with(media_type, "multipart/"))
      return "field " + escape_for_reason(part.name) + " is itself multipart (" + escape_for_reason(media_type) +
             "); nested multipart is not supported";
    const std::string_view content = body.substr(content_start, next - 2 - content_start);
    const bool kept = part.is_file ? collector.count_only() : collector.add(std::move(part.name), std::string(content));
    if (!kept) return {};
    at = next;
  }
}

}  // namespace

FormResult decode_multipart(std::string_view content_type, std::string_view body, const LimitsConfig& limits) {
  FieldCollector collector(limits, 16);
  std::string_view boundary;
  std::string error = parse_boundary(content_type, boundary);
  if (error.empty()) error = read_parts(body, "--" + std::string(boundary), collector);
  if (!error.empty()) collector.fail(400, std::move(error));
  return collector.finish();
}

}  // namespace spamgate

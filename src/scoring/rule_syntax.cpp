#include "scoring/rule_syntax.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace spamgate {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Cuts a trailing comment: `#` at the start or after whitespace.
std::string_view strip_comment(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '#' && (i == 0 || is_space(s[i - 1]))) return s.substr(0, i);
  return s;
}

// Splits off the next whitespace-separated word of `rest`.
std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  size_t end = 0;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  std::string_view word = rest.substr(0, end);
  rest = trim(rest.substr(end));
  return word;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

Error error(std::string message) { return Error{std::move(message)}; }

Result<std::string_view> rule_name(std::string_view& rest, std::string_view directive) {
  std::string_view name = next_word(rest);
  if (name.empty()) return error(std::string(directive) + ": missing rule name");
  if (!valid_rule_name(name))
    return error("invalid rule name '" + std::string(name) + "' (use A-Z, 0-9 and _)");
  return name;
}

// "P:SCORE P:SCORE ...", each P a probability above the one before.
Result<std::optional<Directive>> parse_bands(Directive d, std::string_view rest) {
  const std::string what = "score " + d.name + ": ";
  while (!rest.empty()) {
    const std::string_view band = next_word(rest);
    const size_t colon = band.find(':');
    auto probability = colon == std::string_view::npos ? std::nullopt : parse_number(band.substr(0, colon));
    auto score = colon == std::string_view::npos ? std::nullopt : parse_number(band.substr(colon + 1));
    if (!probability || !score) return error(what + "expected probability bands P:SCORE, not '" + std::string(band) + "'");
    if (*probability <= 0 || *probability >= 1)
      return error(what + "band probability " + std::string(band.substr(0, colon)) + " is not between 0 and 1");
    if (!d.bands.empty() && *probability <= d.bands.back().first)
      return error(what + "band probabilities must increase");
    d.bands.emplace_back(*probability, *score);
  }
  return std::optional<Directive>(std::move(d));
}

// `/pattern/flags` followed by nothing but an optional comment.
Result<std::optional<Directive>> parse_regex(Directive d, std::string_view rest) {
  rest = trim(rest);
  if (rest.empty() || rest.front() != '/') return error(d.name + ": expected /regex/flags");
  size_t i = 1;
  while (i < rest.size() && rest[i] != '/') i += rest[i] == '\\' ? 2 : 1;
  if (i >= rest.size()) return error(d.name + ": regex has no closing /");
  d.pattern = std::string(rest.substr(1, i - 1));
  if (d.pattern.empty()) return error(d.name + ": empty regex");
  size_t j = i + 1;
  while (j < rest.size() && !is_space(rest[j]) && rest[j] != '#') ++j;
  d.flags = std::string(rest.substr(i + 1, j - i - 1));
  for (char flag : d.flags)
    if (flag != 'i' && flag != 's' && flag != 'x')
      return error(d.name + ": unknown regex flag '" + std::string(1, flag) + "' (use i, s, x)");
  std::string_view tail = trim(rest.substr(j));
  if (!tail.empty() && tail.front() != '#')
    return error(d.name + ": unexpected text after regex: '" + std::string(tail) + "'");
  return std::optional<Directive>(std::move(d));
}

// `script NAME FIELD none SCRIPTS` or `script NAME FIELD OP AMOUNT[%] SCRIPTS`.
Result<std::optional<Directive>> parse_script(Directive d, std::string_view rest) {
  const std::string what = "script " + d.name + ": ";
  const std::string_view spec = next_word(rest);
  auto field = parse_field(spec);
  if (!field) return error(what + "unknown field '" + std::string(spec) + "'");
  d.field = *field;
  d.comparison = std::string(next_word(rest));
  if (d.comparison != "none") {
    if (d.comparison != ">" && d.comparison != ">=" && d.comparison != "<" && d.comparison != "<=")
      return error(what + "expected 'none' or a comparison (>, >=, <, <=), not '" + d.comparison + "'");
    std::string_view amount = next_word(rest);
    d.percent = !amount.empty() && amount.back() == '%';
    if (d.percent) amount.remove_suffix(1);
    auto number = parse_number(amount);
    if (!number || *number < 0 || (d.percent && *number > 100))
      return error(what + "expected a number of letters or a percentage from 0% to 100%, not '" +
                   std::string(amount) + (d.percent ? "%'" : "'"));
    d.number = *number;
  }
  d.text = std::string(next_word(rest));
  if (d.text.empty()) return error(what + "missing script names (e.g. Han+Hiragana+Katakana)");
  if (!rest.empty()) return error(what + "unexpected text '" + std::string(rest) + "'");
  return std::optional<Directive>(std::move(d));
}

}  // namespace

bool valid_rule_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::optional<size_t> links_rule_count(std::string_view name) {
  constexpr std::string_view kPrefix = "LINKS_";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view digits = name.substr(kPrefix.size());
  if (digits.empty() || digits.front() == '0' || digits.size() > 6) return std::nullopt;
  size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

Result<std::optional<Directive>> parse_rule_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view rest = line;
  const std::string_view keyword = next_word(rest);
  if (keyword.empty() || keyword.front() == '#') return std::optional<Directive>();
  Directive d;

  if (auto field = parse_field(keyword)) {
    auto name = rule_name(rest, keyword);
    if (!name) return Error{name.error()};
    d.kind = DirectiveKind::regex;
    d.field = *field;
    d.name = std::string(*name);
    return parse_regex(std::move(d), rest);
  }

  rest = trim(strip_comment(rest));
  if (keyword == "threshold") {
    d.kind = DirectiveKind::threshold;
    d.name = std::string(next_word(rest));
    if (d.name != "hold" && d.name != "reject") return error("threshold: expected 'hold' or 'reject'");
    const std::string_view value = next_word(rest);
    auto number = parse_number(value);
    if (!number || !rest.empty()) return error("threshold " + d.name + ": expected one number");
    d.number = *number;
  } else if (keyword == "score") {
    auto name = rule_name(rest, keyword);
    if (!name) return Error{name.error()};
    d.kind = DirectiveKind::score;
    d.name = std::string(*name);
    if (rest.find(':') != std::string_view::npos) return parse_bands(std::move(d), rest);
    auto number = parse_number(next_word(rest));
    if (!number || !rest.empty()) return error("score " + d.name + ": expected one number");
    d.number = *number;
  } else if (keyword == "describe" || keyword == "meta") {
    auto name = rule_name(rest, keyword);
    if (!name) return Error{name.error()};
    d.kind = keyword == "meta" ? DirectiveKind::meta : DirectiveKind::describe;
    d.name = std::string(*name);
    d.text = std::string(rest);
    if (d.text.empty()) return error(std::string(keyword) + " " + d.name + ": missing " +
                                     (keyword == "meta" ? "expression" : "text"));
  } else if (keyword == "list") {
    auto name = rule_name(rest, keyword);
    if (!name) return Error{name.error()};
    d.kind = DirectiveKind::list;
    d.name = std::string(*name);
    const std::string_view spec = next_word(rest);
    auto field = parse_field(spec);
    if (!field) return error("list " + d.name + ": unknown field '" + std::string(spec) + "'");
    d.field = *field;
    d.text = std::string(rest);
    if (d.text.empty()) return error("list " + d.name + ": missing file path");
  } else if (keyword == "script") {
    auto name = rule_name(rest, keyword);
    if (!name) return Error{name.error()};
    d.kind = DirectiveKind::script;
    d.name = std::string(*name);
    return parse_script(std::move(d), rest);
  } else if (keyword == "include") {
    d.kind = DirectiveKind::include;
    d.text = std::string(rest);
    if (d.text.empty()) return error("include: missing file path");
  } else {
    return error("unknown directive '" + std::string(keyword) + "'");
  }
  return std::optional<Directive>(std::move(d));
}

}  // namespace spamgate

#include "scoring/regex_literals.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include "util/utf8.h"

namespace spamgate {
namespace {

using Set = std::vector<std::string>;
using MaybeSet = std::optional<Set>;

constexpr size_t kMaxStrings = 256;  // larger sets are given up
constexpr size_t kMaxLength = 64;    // longer strings are given up
constexpr size_t kMinLiteral = 3;    // shorter literals would select nearly every text
constexpr int kMaxDepth = 100;
constexpr size_t kMaxClassMembers = 8;  // a larger bracket expression is taken as any character

// What is known about a piece of the pattern (all strings lower-cased).
struct Info {
  MaybeSet exact;     // it matches exactly one of these strings
  MaybeSet required;  // every match of it contains one of these
  MaybeSet leading;   // every match of it starts with one of these
};

Set normalized(Set set) {
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return set;
}

MaybeSet cross(const Set& a, const Set& b) {
  if (a.size() * b.size() > kMaxStrings) return std::nullopt;
  Set out;
  for (const std::string& x : a)
    for (const std::string& y : b) {
      if (x.size() + y.size() > kMaxLength) return std::nullopt;
      out.push_back(x + y);
    }
  return normalized(std::move(out));
}

MaybeSet unite(const Set& a, const Set& b) {
  Set out = a;
  out.insert(out.end(), b.begin(), b.end());
  out = normalized(std::move(out));
  if (out.size() > kMaxStrings) return std::nullopt;
  return out;
}

// How selective a necessary set is: its shortest string's length (0 when it
// holds the empty string, which every text contains).
size_t strength(const MaybeSet& set) {
  if (!set || set->empty()) return 0;
  size_t shortest = SIZE_MAX;
  for (const std::string& s : *set) shortest = std::min(shortest, s.size());
  return shortest;
}

// Whether trying a regex only where one of `leading` starts beats one search
// of the whole text: each string must be rare in prose, by being long
// enough or by starting with punctuation ("$", "<a", "?ref=").
bool worth_anchoring(const Set& leading) {
  auto punctuation = [](char c) {
    return c > ' ' && c < 0x7F && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9');
  };
  for (const std::string& s : leading)
    if (s.size() < kMinLiteral && (s.empty() || !punctuation(s[0]))) return false;
  return true;
}

void consider(MaybeSet& best, const MaybeSet& candidate) {
  if (strength(candidate) == 0) return;
  if (strength(candidate) > strength(best) ||
      (strength(candidate) == strength(best) && candidate->size() < best->size()))
    best = candidate;
}

Info literal(char c) {
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  Set one{std::string(1, c)};
  return {one, one, one};
}
// One non-ASCII character (its UTF-8 bytes). Under the i flag, every
// character Boost's ICU engine takes as the same (equal simple case
// folding), when there are a few; else any character.
Info unicode_char(std::string_view utf8, bool ignore_case) {
  if (!ignore_case) {
    Set one{std::string(utf8)};
    return {one, one, one};
  }
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const UChar32 c = text.char32At(0);
  icu::UnicodeSet closure(c, c);
  closure.closeOver(USET_CASE_INSENSITIVE);
  Set variants;
  const UChar32 folded = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  for (int32_t r = 0; r < closure.getRangeCount(); ++r)
    for (UChar32 d = closure.getRangeStart(r); d <= closure.getRangeEnd(r); ++d) {
      if (u_foldCase(d, U_FOLD_CASE_DEFAULT) != folded) continue;
      std::string out;
      icu::UnicodeString(d).toUTF8String(out);
      if (out.size() == 1 && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + ('a' - 'A'));
      variants.push_back(out);
    }
  if (variants.empty() || variants.size() > kMaxClassMembers) return {};
  variants = normalized(std::move(variants));
  return {variants, variants, variants};
}

Info empty_match() { return {Set{""}, std::nullopt, Set{""}}; }
Info any_char() { return {}; }

class Analyzer {
 public:
  Analyzer(std::string_view pattern, bool ignore_case) : p_(pattern), ignore_case_(ignore_case) {}

  RegexLiterals run() {
    Info top = alternation(0);
    if (failed_ || pos_ != p_.size()) return {};
    // \G matches where the search began: trying the regex only where a
    // leading literal starts would move it.
    return {top.required, uses_search_start_ ? std::nullopt : top.leading};
  }

 private:
  bool at_end() const { return pos_ >= p_.size(); }
  Info fail() {
    failed_ = true;
    return {};
  }

  Info alternation(int depth) {
    if (depth > kMaxDepth) return fail();
    Info result = sequence(depth);
    while (!failed_ && !at_end() && p_[pos_] == '|') {
      ++pos_;
      const Info branch = sequence(depth);
      result.exact = result.exact && branch.exact ? unite(*result.exact, *branch.exact) : std::nullopt;
      result.required =
          result.required && branch.required ? unite(*result.required, *branch.required) : std::nullopt;
      result.leading = result.leading && branch.leading ? unite(*result.leading, *branch.leading) : std::nullopt;
    }
    return result;
  }

  // Concatenation: the best necessary set among the items' own and those
  // made by joining runs of adjacent exact items ("http" "s?" "://"); the
  // leading set joins the exact items at the start with what begins the
  // first item that is not exact.
  Info sequence(int depth) {
    Info result = empty_match();
    MaybeSet best, run = Set{""};
    bool exact_so_far = true;
    while (!failed_ && !at_end() && p_[pos_] != '|' && p_[pos_] != ')') {
      const Info item = quantified(depth);
      if (exact_so_far && result.exact && item.leading)
        if (MaybeSet longer = cross(*result.exact, *item.leading)) result.leading = longer;
      exact_so_far = exact_so_far && item.exact.has_value();
      consider(best, item.required);
      result.exact = result.exact && item.exact ? cross(*result.exact, *item.exact) : std::nullopt;
      MaybeSet joined = run && item.exact ? cross(*run, *item.exact) : std::nullopt;
      if (!joined) {
        consider(best, run);
        joined = item.exact;
      }
      run = joined;
    }
    consider(best, run);
    result.required = best;
    return result;
  }

  Info quantified(int depth) {
    Info atom_info = atom(depth);
    if (failed_ || at_end()) return atom_info;
    size_t min = 1, max = 1;
    const char c = p_[pos_];
    if (c == '*') min = 0, max = SIZE_MAX, ++pos_;
    else if (c == '+') min = 1, max = SIZE_MAX, ++pos_;
    else if (c == '?') min = 0, max = 1, ++pos_;
    else if (c == '{') {
      if (!braces(min, max)) return fail();
    } else {
      return atom_info;
    }
    if (!at_end() && (p_[pos_] == '?' || p_[pos_] == '+')) ++pos_;  // lazy or possessive
    if (min == 1 && max == 1) return atom_info;
    if (min == 0 && max == 1 && atom_info.exact) {
      const MaybeSet optional = unite(*atom_info.exact, Set{""});
      return {optional, std::nullopt, optional};
    }
    if (min == 0) return {};
    return {std::nullopt, atom_info.required, atom_info.leading};
  }

  // {n}, {n,}, {n,m}
  bool braces(size_t& min, size_t& max) {
    const size_t close = p_.find('}', pos_);
    if (close == std::string_view::npos) return false;
    const std::string_view body = p_.substr(pos_ + 1, close - pos_ - 1);
    const size_t comma = body.find(',');
    auto number = [](std::string_view digits, size_t& out) {
      if (digits.empty() || digits.size() > 6) return false;
      out = 0;
      for (char d : digits) {
        if (d < '0' || d > '9') return false;
        out = out * 10 + static_cast<size_t>(d - '0');
      }
      return true;
    };
    if (!number(body.substr(0, comma), min)) return false;
    if (comma == std::string_view::npos) max = min;
    else if (comma + 1 == body.size()) max = SIZE_MAX;
    else if (!number(body.substr(comma + 1), max)) return false;
    pos_ = close + 1;
    return true;
  }

  Info atom(int depth) {
    const char c = p_[pos_++];
    switch (c) {
      case '(': return group(depth);
      case '[': return char_class();
      case '.': return any_char();
      case '^':
      case '$': return empty_match();
      case '\\': return escape();
      case '*':
      case '+':
      case '?':
      case '{': return fail();
      default:
        if (static_cast<unsigned char>(c) < 0x80) return literal(c);
        return multibyte(pos_ - 1);
    }
  }

  // The character whose UTF-8 form starts at `start` (Boost's ICU engine
  // matches characters, so a quantifier applies to all of its bytes).
  Info multibyte(size_t start) {
    const size_t length = utf8_sequence_length(p_, start);
    if (length == 0) return fail();
    pos_ = start + length;
    return unicode_char(p_.substr(start, length), ignore_case_);
  }

  Info group(int depth) {
    bool zero_width = false;
    if (p_.substr(pos_, 1) == "?") {
      const std::string_view rest = p_.substr(pos_);
      if (rest.substr(0, 2) == "?:" || rest.substr(0, 2) == "?>") {
        pos_ += 2;
      } else if (rest.substr(0, 2) == "?=" || rest.substr(0, 2) == "?!") {
        pos_ += 2, zero_width = true;
      } else if (rest.substr(0, 3) == "?<=" || rest.substr(0, 3) == "?<!") {
        pos_ += 3, zero_width = true;
      } else {
        return fail();  // inline modifiers, named groups, conditionals, comments
      }
    }
    Info inner = alternation(depth + 1);
    if (failed_ || at_end() || p_[pos_] != ')') return fail();
    ++pos_;
    return zero_width ? empty_match() : inner;
  }

  // A bracket expression matches one character (or, for [[:<:]], none). A
  // short list of plain characters ([?&#]) is an exact set; anything else
  // (negation, ranges, escapes, class names) matches some character.
  // Collating elements ([.x.], [=x=]), \Q inside a class and class names
  // that are not plain words give up.
  Info char_class() {
    const bool negated = !at_end() && p_[pos_] == '^';
    if (negated) ++pos_;
    const size_t first = pos_;
    bool plain = !negated;
    if (!at_end() && p_[pos_] == ']') ++pos_;
    while (!at_end() && p_[pos_] != ']') {
      if (p_[pos_] == '\\') {
        if (pos_ + 1 >= p_.size() || p_[pos_ + 1] == 'Q' || p_[pos_ + 1] == 'E') return fail();
        pos_ += 2, plain = false;
      } else if (p_[pos_] == '[' && pos_ + 1 < p_.size() && std::strchr(".=", p_[pos_ + 1])) {
        return fail();
      } else if (p_.substr(pos_, 2) == "[:") {
        if (!class_name()) return fail();
        plain = false;
      } else {
        if (p_[pos_] == '-' && pos_ != first && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') plain = false;
        if (static_cast<unsigned char>(p_[pos_]) >= 0x80) plain = false;  // a character of several bytes
        ++pos_;
      }
    }
    if (at_end()) return fail();
    const std::string_view members = p_.substr(first, pos_ - first);
    ++pos_;
    if (!plain || members.size() > kMaxClassMembers) return any_char();
    Set one_of;
    for (char c : members) one_of.push_back(*literal(c).exact->begin());
    one_of = normalized(std::move(one_of));
    return {one_of, one_of, one_of};
  }

  // Skips "[:name:]" at pos_ when name is letters, '<' or '>'.
  bool class_name() {
    size_t end = pos_ + 2;
    while (end < p_.size() && (std::isalpha(static_cast<unsigned char>(p_[end])) || p_[end] == '<' || p_[end] == '>'))
      ++end;
    if (p_.substr(end, 2) != ":]") return false;
    pos_ = end + 2;
    return true;
  }

  Info escape() {
    if (at_end()) return fail();
    const char c = p_[pos_++];
    if (static_cast<unsigned char>(c) >= 0x80) return multibyte(pos_ - 1);  // an escaped character
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (std::strchr("<>`'", c)) return empty_match();  // Boost: word start/end, buffer start/end
    if (!alnum) return literal(c);
    if (c == 'G') uses_search_start_ = true;
    if (c == 'p' || c == 'P' || c == 'x') return code_point_escape(c);
    if (std::strchr("bBAzZG", c)) return empty_match();
    if (std::strchr("dwsDWShHvVnrtfae", c)) return any_char();
    return fail();  // \x, \p, \Q, back-references, ...: not worth the risk
  }

  // \pL, \p{Han}, \P{...}, \xHH, \x{HHHH}: one character of some set.
  Info code_point_escape(char c) {
    if (!at_end() && p_[pos_] == '{') {
      const size_t close = p_.find('}', pos_);
      if (close == std::string_view::npos) return fail();
      pos_ = close + 1;
    } else {
      const size_t length = c == 'x' ? 2 : 1;
      if (pos_ + length > p_.size()) return fail();
      for (size_t i = 0; i < length; ++i)
        if (static_cast<unsigned char>(p_[pos_ + i]) >= 0x80) return fail();
      pos_ += length;
    }
    return any_char();
  }

  std::string_view p_;
  bool ignore_case_;
  size_t pos_ = 0;
  bool failed_ = false;
  bool uses_search_start_ = false;
};

}  // namespace

RegexLiterals regex_literals(std::string_view pattern, std::string_view flags) {
  if (flags.find('x') != std::string_view::npos) return {};  // whitespace and # change meaning
  RegexLiterals found = Analyzer(pattern, flags.find('i') != std::string_view::npos).run();
  if (found.leading && !worth_anchoring(*found.leading)) found.leading.reset();
  consider(found.required, found.leading);  // a leading set is also a necessary one
  if (strength(found.required) < kMinLiteral) found.required.reset();
  return found;
}

}  // namespace spamgate

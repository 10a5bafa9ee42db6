#include "scoring/unicode_pattern.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/ustring.h>

#include <boost/regex/icu.hpp>
#include <cstdio>

#include "util/utf8.h"

namespace spamgate {
namespace {

// Scripts written without spaces between words (by Script_Extensions, so
// that ー and 々 count with kana and kanji): their letters are not word
// characters for \b.
constexpr const char* kUnspacedScripts[] = {"Han",  "Hiragana", "Katakana", "Bopomofo", "Yi",     "Thai",    "Lao",
                                            "Khmer", "Myanmar", "Tai_Le",   "New_Tai_Lue", "Tai_Tham", "Tai_Viet"};

// A member of a bracket expression: the character itself (short patterns
// keep compiled rules small), escaped when it is ASCII, a space or a
// surrogate (which has no UTF-8 form).
std::string code_point(UChar32 c) {
  if (c >= 0x80 && !(c >= 0xD800 && c <= 0xDFFF) && !u_isUWhiteSpace(c)) {
    std::string out;
    icu::UnicodeString(c).toUTF8String(out);
    return out;
  }
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "\\x{%X}", static_cast<unsigned>(c));
  return buffer;
}

// The members of `set` as the inside of a bracket expression.
std::string ranges(const icu::UnicodeSet& set) {
  std::string out;
  for (int32_t i = 0; i < set.getRangeCount(); ++i) {
    const UChar32 first = set.getRangeStart(i), last = set.getRangeEnd(i);
    out += code_point(first);
    if (last != first) out += "-" + code_point(last);
  }
  return out;
}

// The word-character candidates: letters, marks, decimal digits, connectors.
constexpr const char* kLetterClass = "[[:L:][:Mn:][:Mc:][:Nd:][:Pc:]]";

// The letters of unspaced scripts as a bracket expression. Only characters
// of kLetterClass are ever tested against it, so a gap between two of its
// ranges that holds none of those is filled: the same test, fewer ranges.
const std::string& unspaced_class() {
  static const std::string text = [] {
    icu::UnicodeSet unspaced;
    for (const char* script : kUnspacedScripts) {
      UErrorCode status = U_ZERO_ERROR;
      icu::UnicodeSet one;
      one.applyPropertyAlias("scx", script, status);
      if (U_SUCCESS(status)) unspaced.addAll(one);
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeSet letters(icu::UnicodeString::fromUTF8(kLetterClass), status);
    icu::UnicodeSet filled = unspaced;
    for (int32_t i = 0; U_SUCCESS(status) && i + 1 < unspaced.getRangeCount(); ++i) {
      const UChar32 from = unspaced.getRangeEnd(i) + 1, to = unspaced.getRangeStart(i + 1) - 1;
      if (!letters.containsSome(from, to)) filled.add(from, to);
    }
    return "[" + ranges(filled) + "]";
  }();
  return text;
}

// Look-arounds for "the character before / after is (not) a word character".
struct WordSides {
  std::string before, not_before, after, not_after;
};

const WordSides& word_sides() {
  static const WordSides sides = [] {
    const std::string letter = kLetterClass;
    const std::string& unspaced = unspaced_class();
    return WordSides{"(?<=" + letter + ")(?<!" + unspaced + ")", "(?:(?<!" + letter + ")|(?<=" + unspaced + "))",
                     "(?=" + letter + ")(?!" + unspaced + ")", "(?:(?!" + letter + ")|(?=" + unspaced + "))"};
  }();
  return sides;
}

// \b, \B, \< or \> as look-arounds.
std::string word_assertion(char kind) {
  const WordSides& w = word_sides();
  switch (kind) {
    case 'b': return "(?:" + w.before + w.not_after + "|" + w.not_before + w.after + ")";
    case 'B': return "(?:" + w.before + w.after + "|" + w.not_before + w.not_after + ")";
    case '<': return "(?:" + w.not_before + w.after + ")";
    default: return "(?:" + w.before + w.not_after + ")";
  }
}

// Whether Boost.Regex's ICU engine knows \p{name} itself (general
// categories such as L, Lu, Nd and its own class names).
bool boost_knows(const std::string& name) {
  try {
    boost::make_u32regex("\\p{" + name + "}");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// The set ICU gives for a property expression: "Han", "Script=Han",
// "scx=Hira", "Alphabetic". nullopt when ICU knows no such property.
std::optional<icu::UnicodeSet> icu_class(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeSet set;
  const size_t equals = name.find('=');
  if (equals == std::string::npos)
    set.applyPropertyAlias(icu::UnicodeString::fromUTF8(name), icu::UnicodeString(), status);
  else
    set.applyPropertyAlias(icu::UnicodeString::fromUTF8(name.substr(0, equals)),
                           icu::UnicodeString::fromUTF8(name.substr(equals + 1)), status);
  if (U_FAILURE(status)) return std::nullopt;
  return set;
}

// The first character of `pattern` that NFKC changes, described for an
// error message, or "" when the pattern is normalised.
std::string not_normalised(std::string_view pattern) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return "(ICU's NFKC data is missing)";
  if (nfkc->isNormalizedUTF8(icu::StringPiece(pattern.data(), static_cast<int32_t>(pattern.size())), status) &&
      U_SUCCESS(status))
    return "";
  for (size_t at = 0; at < pattern.size();) {
    const size_t length = utf8_sequence_length(pattern, at);
    const std::string one(pattern.substr(at, length));
    std::string normalised;
    status = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&normalised);
    nfkc->normalizeUTF8(0, icu::StringPiece(one.data(), static_cast<int32_t>(one.size())), sink, nullptr, status);
    if (U_SUCCESS(status) && normalised != one) return "'" + one + "' (write '" + normalised + "')";
    at += length;
  }
  return "a combining sequence (write it precomposed)";
}

class Rewriter {
 public:
  Rewriter(std::string_view pattern, bool extended) : p_(pattern), extended_(extended) {}

  Result<std::string> run() {
    while (pos_ < p_.size()) {
      const char c = p_[pos_];
      if (c == '\\') {
        if (!escape()) return Error{error_};
      } else if (in_class_) {
        if (p_.substr(pos_, 2) == "[:") copy_until(":]");
        else if (c == ']') in_class_ = false, copy(1);
        else copy(1);
      } else if (c == '[') {
        in_class_ = true;
        copy(1);
        if (pos_ < p_.size() && p_[pos_] == '^') copy(1);
        if (pos_ < p_.size() && p_[pos_] == ']') copy(1);  // a leading ] is a member
      } else if (p_.substr(pos_, 3) == "(?#") {
        copy_until(")");
      } else if (extended_ && c == '#') {
        copy_until("\n");
      } else {
        copy(1);
      }
    }
    return out_;
  }

 private:
  void copy(size_t n) {
    n = std::min(n, p_.size() - pos_);
    out_.append(p_.substr(pos_, n));
    pos_ += n;
  }
  // Copies up to and including `end`, or to the end of the pattern.
  void copy_until(std::string_view end) {
    const size_t found = p_.find(end, pos_ + 1);
    copy(found == std::string_view::npos ? p_.size() - pos_ : found + end.size() - pos_);
  }

  bool escape() {
    if (pos_ + 1 >= p_.size()) {
      copy(1);  // a trailing backslash: Boost reports it
      return true;
    }
    const char c = p_[pos_ + 1];
    if (c == 'Q') {
      copy_until("\\E");
    } else if (c == 'p' || c == 'P') {
      return property(c == 'P');
    } else if (!in_class_ && (c == 'b' || c == 'B' || c == '<' || c == '>')) {
      out_ += word_assertion(c);
      pos_ += 2;
    } else {
      copy(1 + utf8_sequence_length(p_, pos_ + 1));  // the pattern is valid UTF-8
    }
    return true;
  }

  // \pX, \p{NAME}, \PX, \P{NAME}: left to Boost when it knows NAME, else
  // replaced by ICU's ranges.
  bool property(bool negated) {
    const size_t start = pos_;
    std::string name;
    if (pos_ + 2 < p_.size() && p_[pos_ + 2] == '{') {
      const size_t close = p_.find('}', pos_ + 3);
      if (close == std::string_view::npos) {
        copy(2);  // Boost reports the unclosed brace
        return true;
      }
      name = std::string(p_.substr(pos_ + 3, close - pos_ - 3));
      pos_ = close + 1;
    } else {
      name = std::string(p_.substr(pos_ + 2, 1));
      pos_ = std::min(p_.size(), pos_ + 3);
    }
    // Inside brackets Boost's ICU engine accepts \p{X} but never matches it
    // ([\p{L}] misses "b"): a class it knows is written [:X:] there, a
    // negated one as ICU's ranges.
    if (boost_knows(name) && !(in_class_ && negated)) {
      if (in_class_) out_ += "[:" + name + ":]";
      else out_.append(p_.substr(start, pos_ - start));
      return true;
    }
    std::optional<icu::UnicodeSet> set = icu_class(name);
    if (!set) {
      error_ = "unknown Unicode class " + std::string(p_.substr(start, pos_ - start)) +
               " (use a script such as Han, Hiragana, Katakana, Latin, Cyrillic, Hangul, Thai, or a category such as "
               "L, Lu, Nd)";
      return false;
    }
    if (negated) set->complement();
    if (in_class_) out_ += ranges(*set);
    else if (set->isEmpty()) out_ += "(?!)";
    else out_ += "[" + ranges(*set) + "]";
    return true;
  }

  std::string_view p_;
  bool extended_;
  size_t pos_ = 0;
  bool in_class_ = false;
  std::string out_;
  std::string error_;
};

}  // namespace

Result<std::string> unicode_pattern(std::string_view pattern, std::string_view flags) {
  if (const size_t bad = first_invalid_utf8(pattern); bad != pattern.size())
    return Error{"the pattern is not valid UTF-8 (at byte " + std::to_string(bad + 1) + ")"};
  if (const std::string changed = not_normalised(pattern); !changed.empty())
    return Error{"the text is matched after NFKC normalisation, so the pattern cannot contain " + changed};
  return Rewriter(pattern, flags.find('x') != std::string_view::npos).run();
}

}  // namespace spamgate

#include "scoring/script_share.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "scoring/text_classes.h"

namespace spamgate {
namespace {

bool ascii_letter(UChar32 c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

std::string format_amount(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

Result<std::vector<UScriptCode>> parse_script_names(std::string_view text) {
  std::vector<UScriptCode> scripts;
  size_t from = 0;
  while (from <= text.size()) {
    const size_t plus = std::min(text.find('+', from), text.size());
    const std::string name(text.substr(from, plus - from));
    const int code = name.empty() ? UCHAR_INVALID_CODE : u_getPropertyValueEnum(UCHAR_SCRIPT, name.c_str());
    if (code == UCHAR_INVALID_CODE)
      return Error{"unknown script '" + name + "' (use Unicode script names joined by +, e.g. Han+Hiragana+Katakana, Latin, Cyrillic, Hangul, Thai)"};
    scripts.push_back(static_cast<UScriptCode>(code));
    from = plus + 1;
  }
  return scripts;
}

void count_letters(std::string_view text, const std::vector<UScriptCode>& scripts, LetterCount& count) {
  bool latin_wanted = false;
  for (UScriptCode script : scripts) latin_wanted = latin_wanted || script == USCRIPT_LATIN;
  for (size_t pos = 0, length = 1; pos < text.size(); pos += length) {
    const UChar32 c = code_point_at(text, pos, length);
    if (c < 0x80) {
      if (c >= 0 && ascii_letter(c)) {
        ++count.letters;
        count.in_scripts += latin_wanted;
      }
      continue;
    }
    if (c < 0 || !u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) continue;
    ++count.letters;
    for (UScriptCode script : scripts) {
      if (uscript_hasScript(c, script)) {
        ++count.in_scripts;
        break;
      }
    }
  }
}

std::optional<std::string> script_condition_met(const ScriptCondition& condition, const LetterCount& count) {
  if (count.letters == 0) return std::nullopt;
  using Compare = ScriptCondition::Compare;
  const double measured = condition.percent ? 100.0 * static_cast<double>(count.in_scripts) / static_cast<double>(count.letters)
                                            : static_cast<double>(count.in_scripts);
  bool met = false;
  switch (condition.compare) {
    case Compare::none: met = count.in_scripts == 0; break;
    case Compare::more: met = measured > condition.amount; break;
    case Compare::at_least: met = measured >= condition.amount; break;
    case Compare::less: met = measured < condition.amount; break;
    case Compare::at_most: met = measured <= condition.amount; break;
  }
  if (!met) return std::nullopt;
  std::string detail = std::to_string(count.in_scripts) + " of " + std::to_string(count.letters) + " letters " +
                       condition.scripts_text;
  if (condition.percent) detail += " (" + format_amount(std::round(measured)) + "%)";
  return detail;
}

}  // namespace spamgate

// Script rules (`script NAME FIELD CONDITION SCRIPTS`): how many of a
// field's letters belong to given Unicode scripts, and whether that meets
// the rule's condition ("no Japanese letter", "more than half Cyrillic").
// Pure: counts and compares, never throws on any bytes (ill-formed UTF-8
// counts as no letter).
#pragma once

#include <unicode/uscript.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace spamgate {

struct ScriptCondition {
  enum class Compare { none, more, at_least, less, at_most };
  Compare compare = Compare::none;
  double amount = 0;     // letters, or percent of the letters when `percent`
  bool percent = false;
  std::vector<UScriptCode> scripts;
  std::string scripts_text;  // as written, e.g. "Han+Hiragana+Katakana", for details
};

// "Han+Hiragana+Katakana" → the ICU script codes (Unicode script names or
// their four-letter codes, any case); an error names the first unknown one.
Result<std::vector<UScriptCode>> parse_script_names(std::string_view text);

struct LetterCount {
  size_t letters = 0;    // alphabetic code points (Unicode Alphabetic property)
  size_t in_scripts = 0; // of those, the ones whose script or script extensions include one of the scripts
};

// Adds the letters of `text` to `count`.
void count_letters(std::string_view text, const std::vector<UScriptCode>& scripts, LetterCount& count);

// The hit's detail ("0 of 42 letters Han+Hiragana+Katakana") when `count`
// meets `condition`, otherwise nullopt. A field without letters (empty, or
// only digits and symbols) says nothing about its language and meets no
// condition; a bare URL does have letters (Latin ones).
std::optional<std::string> script_condition_met(const ScriptCondition& condition, const LetterCount& count);

}  // namespace spamgate

// Rule-file syntax: turns one line of a rule file into a Directive. Knows
// nothing of files, other rules or regex semantics; it never reads a file
// and never compiles a regex (the loader does both, with the location).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scoring/field.h"
#include "util/result.h"

namespace spamgate {

enum class DirectiveKind { threshold, regex, list, meta, score, describe, include, script };

struct Directive {
  DirectiveKind kind = DirectiveKind::threshold;
  std::string name;     // rule name; "hold" or "reject" for a threshold
  Field field = Field::any;  // regex and list
  std::string pattern;  // regex: the text between the slashes, escapes kept
  std::string flags;    // regex: any of "isx"
  std::string text;     // list and include: path; meta: expression; describe: text;
                        // script: the script names as written ("Han+Hiragana")
  double number = 0;    // threshold and score; script: the amount
  std::string comparison;  // script: "none", ">", ">=", "<" or "<="
  bool percent = false;    // script: the amount is a percentage of the letters
  // score with probability bands ("score LEARNED 0.9:3 0.99:5"): (P, SCORE)
  // pairs, P strictly increasing in (0, 1). Empty for a plain score.
  std::vector<std::pair<double, double>> bands;
};

// True for a rule name made of A-Z, 0-9 and _.
bool valid_rule_name(std::string_view name);

// LINKS_N (N >= 1, no leading zero) → N; any other name → nullopt.
std::optional<size_t> links_rule_count(std::string_view name);

// Parses one line (without its line break; a trailing CR is ignored).
// Returns nullopt for a blank or comment-only line, the Directive for a
// well-formed one, or an Error whose message is the reason (no location).
// `#` starts a comment at the start of a line or after whitespace, except
// inside a /regex/; `describe` text keeps everything up to such a comment.
Result<std::optional<Directive>> parse_rule_line(std::string_view line);

}  // namespace spamgate

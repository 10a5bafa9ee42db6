// Meta expressions: `PHARMA && (LINKS_3 || !HAS_NAME)` parsed into a small
// postfix program over rule indices. Parsing knows names only; the loader
// resolves them. Evaluation never allocates and never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace spamgate {

struct MetaOp {
  enum Code : uint8_t { rule, negate, both, either } code = rule;
  uint32_t rule_index = 0;  // for `rule`: index of the rule in the RuleSet
};

struct MetaExpression {
  std::vector<MetaOp> program;     // postfix; `rule` ops get their index once resolved
  std::vector<std::string> names;  // the rule name of each `rule` op, in program order
};

// Parses `text` (names, &&, ||, !, parentheses; && binds tighter than ||).
// Returns the expression with every rule_index 0, or an Error naming the problem.
Result<MetaExpression> parse_meta_expression(std::string_view text);

// Evaluates a resolved program; fired[i] says whether rule i matched.
bool evaluate_meta(const std::vector<MetaOp>& program, const std::vector<char>& fired);

}  // namespace spamgate

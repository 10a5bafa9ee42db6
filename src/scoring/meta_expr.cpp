#include "scoring/meta_expr.h"

#include <algorithm>

#include "scoring/rule_syntax.h"

namespace spamgate {
namespace {

constexpr size_t kMaxDepth = 64;    // nesting of parentheses and !
constexpr size_t kMaxStack = 256;   // evaluation stack of a postfix program

// Recursive descent: or := and ('||' and)* ; and := unary ('&&' unary)* ;
// unary := '!' unary | '(' or ')' | NAME.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<MetaExpression> parse() {
    if (!parse_or(0)) return Error{error_};
    skip_space();
    if (pos_ < text_.size()) return Error{"unexpected '" + std::string(text_.substr(pos_)) + "'"};
    return std::move(out_);
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool accept(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool parse_or(size_t depth) {
    if (!parse_and(depth)) return false;
    while (accept("||")) {
      if (!parse_and(depth)) return false;
      out_.program.push_back({MetaOp::either, 0});
    }
    return true;
  }
  bool parse_and(size_t depth) {
    if (!parse_unary(depth)) return false;
    while (accept("&&")) {
      if (!parse_unary(depth)) return false;
      out_.program.push_back({MetaOp::both, 0});
    }
    return true;
  }
  bool parse_unary(size_t depth) {
    if (depth > kMaxDepth) return fail("expression nested too deeply");
    if (accept("!")) {
      if (!parse_unary(depth + 1)) return false;
      out_.program.push_back({MetaOp::negate, 0});
      return true;
    }
    if (accept("(")) {
      if (!parse_or(depth + 1)) return false;
      if (!accept(")")) return fail("missing ')'");
      return true;
    }
    skip_space();
    size_t end = pos_;
    while (end < text_.size() && valid_rule_name(text_.substr(end, 1))) ++end;
    if (end == pos_) {
      if (pos_ >= text_.size()) return fail("expression ends where a rule name is expected");
      return fail("expected a rule name at '" + std::string(text_.substr(pos_)) + "'");
    }
    out_.names.emplace_back(text_.substr(pos_, end - pos_));
    out_.program.push_back({MetaOp::rule, 0});
    pos_ = end;
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  MetaExpression out_;
  std::string error_;
};

}  // namespace

Result<MetaExpression> parse_meta_expression(std::string_view text) {
  auto parsed = Parser(text).parse();
  if (!parsed) return parsed;
  size_t depth = 0, deepest = 0;
  for (const MetaOp& op : parsed->program) {
    if (op.code == MetaOp::rule) deepest = std::max(deepest, ++depth);
    else if (op.code != MetaOp::negate) --depth;
  }
  if (deepest > kMaxStack) return Error{"expression too complex"};
  return parsed;
}

bool evaluate_meta(const std::vector<MetaOp>& program, const std::vector<char>& fired) {
  bool stack[kMaxStack];
  size_t depth = 0;
  for (const MetaOp& op : program) {
    switch (op.code) {
      case MetaOp::rule: stack[depth++] = fired[op.rule_index] != 0; break;
      case MetaOp::negate: stack[depth - 1] = !stack[depth - 1]; break;
      case MetaOp::both: --depth; stack[depth - 1] = stack[depth - 1] && stack[depth]; break;
      case MetaOp::either: --depth; stack[depth - 1] = stack[depth - 1] || stack[depth]; break;
    }
  }
  return depth == 1 && stack[0];
}

}  // namespace spamgate

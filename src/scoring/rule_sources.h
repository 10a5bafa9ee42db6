// Rule sources: reads rule files from disk, follows `include`, reads `list`
// files, and yields every directive with its "file:line". It checks syntax
// and include cycles only; what the rules mean is the compiler's business.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scoring/rule_syntax.h"

namespace spamgate {

struct LocatedDirective {
  Directive directive;
  std::string where;                      // "file:line"
  size_t order = 0;                       // position among directives and errors, for sorting errors
  std::vector<std::string> list_entries;  // list: the non-empty trimmed lines of the list file
};

struct LocatedError {
  size_t order = 0;
  std::string message;  // "file:line: message"
};

struct RuleSources {
  std::vector<LocatedDirective> directives;  // in reading order, includes expanded in place
  std::vector<LocatedError> errors;
  std::vector<std::string> files;            // every file read or attempted, first mention only
};

// Reads `files` in order. Never throws; unreadable files and bad lines are
// reported in `errors` and reading goes on.
RuleSources read_rule_sources(const std::vector<std::string>& files);

// The entries of a WordPress "Disallowed Comment Keys" list: every line
// trimmed of spaces, tabs, CR, NUL and VT; empty lines skipped, and so is
// "0", which PHP's empty() makes WordPress skip too.
std::vector<std::string> parse_list_entries(const std::string& content);

}  // namespace spamgate

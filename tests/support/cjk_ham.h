// The ordinary Chinese, Japanese, Korean and Thai comments of
// tests/data/cjk-ham.txt, for the shipped-rule tests (none may be caught)
// and the Japanese scorer bench. Reads only; throws std::runtime_error
// naming file:line when the file is missing or a line is malformed.
#pragma once

#include <string>
#include <vector>

namespace spamgate::testing {

struct HamComment {
  int line;  // in cjk-ham.txt, from 1
  std::string language, author, url, body;
};

// Every comment of <source_dir>/tests/data/cjk-ham.txt: lines
// LANGUAGE <TAB> AUTHOR <TAB> WEBSITE ("-" = none) <TAB> TEXT ("\n" = a line
// break); empty lines and lines starting with '#' are skipped.
std::vector<HamComment> read_cjk_ham(const std::string& source_dir);

}  // namespace spamgate::testing

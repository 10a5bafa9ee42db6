// docs/rules.md, the rule-file reference: every complete example in it
// loads the way `spamgate rules lint` loads files (load_rules), the bad
// example fails with the `file:line: message` errors the page shows, and
// every built-in check is listed with its real default score.
//
// Fences (see "About the examples" in the page):
//   ```rules [NAME] [after=PATH]  a complete rule file; NAME is the file name
//                                 other examples may include; PATH (relative
//                                 to the repository) is loaded before it
//   ```list PATH                  a list file, written at PATH
//   ```rules-error [NAME]         must fail to load
// Any other fence is a fragment and is not loaded.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "scoring/checks/builtin_checks.h"
#include "scoring/rule_set.h"
#include "support/temp_dir.h"

using namespace spamgate;

namespace {

struct Fence {
  std::string language;  // "rules", "list", "rules-error", "sh", ...
  std::string name;      // the first word after the language without '=', or ""
  std::string after;     // after=PATH, or ""
  std::string text;      // the lines between the fences, each ending in '\n'
  int line = 0;          // line number of the opening fence in the page
};

std::string read_page() { return testing::read_file(SPAMGATE_SOURCE_DIR "/docs/rules.md"); }

// Every fenced code block: an opening line "```info" (exactly three
// backticks) up to the next line that is just "```".
std::vector<Fence> fenced_blocks(const std::string& page) {
  std::vector<Fence> fences;
  std::istringstream lines(page);
  std::string line;
  Fence* open = nullptr;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (open) {
      if (line == "```") open = nullptr;
      else open->text += line + "\n";
      continue;
    }
    if (line.rfind("```", 0) != 0 || line.rfind("````", 0) == 0) continue;
    Fence fence;
    fence.line = number;
    std::istringstream info(line.substr(3));
    info >> fence.language;
    for (std::string word; info >> word;) {
      if (word.rfind("after=", 0) == 0) fence.after = word.substr(6);
      else if (word.find('=') == std::string::npos && fence.name.empty()) fence.name = word;
    }
    fences.push_back(std::move(fence));
    open = &fences.back();
  }
  REQUIRE_MESSAGE(open == nullptr, "docs/rules.md: a fenced block is never closed");
  return fences;
}

// The name an example is written under: its own, or one made from its line.
std::string file_name(const Fence& fence) {
  return fence.name.empty() ? "example-line-" + std::to_string(fence.line) + ".rules" : fence.name;
}

// Writes every list file and every rules example into `dir`, so examples
// can name each other's files (an include, a list).
void write_examples(const testing::TempDir& dir, const std::vector<Fence>& fences) {
  for (const Fence& fence : fences) {
    if (fence.language == "list") {
      REQUIRE_MESSAGE(!fence.name.empty(), "docs/rules.md:", fence.line, ": ```list needs a path");
      dir.write(fence.name, fence.text);
    } else if (fence.language == "rules" || fence.language == "rules-error") {
      dir.write(file_name(fence), fence.text);
    }
  }
}

RuleLoad load_example(const testing::TempDir& dir, const Fence& fence) {
  std::vector<std::string> files;
  if (!fence.after.empty()) files.push_back(std::string(SPAMGATE_SOURCE_DIR) + "/" + fence.after);
  files.push_back(dir / file_name(fence));
  return load_rules(files);
}

// "3" for 3, "2.5" for 2.5: as the page writes scores.
std::string score_text(double score) {
  std::ostringstream out;
  out << score;
  return out.str();
}

}  // namespace

TEST_CASE("docs/rules.md: every ```rules example loads without an error, as `rules lint` loads it") {
  const std::vector<Fence> fences = fenced_blocks(read_page());
  testing::TempDir dir;
  write_examples(dir, fences);
  int examples = 0;
  for (const Fence& fence : fences) {
    if (fence.language != "rules") continue;
    ++examples;
    INFO("docs/rules.md:", fence.line, ": ```rules ", fence.name, "\n", fence.text);
    const RuleLoad load = load_example(dir, fence);
    for (const std::string& error : load.errors) FAIL_CHECK(error);
    CHECK(load.rules != nullptr);
  }
  // The page has 14 such examples; fewer than 10 means the fences or this
  // parser broke, not that the examples got better.
  CHECK(examples >= 10);
}

TEST_CASE("docs/rules.md: the ```rules-error example fails with the file:line: messages the page shows") {
  const std::string page = read_page();
  const std::vector<Fence> fences = fenced_blocks(page);
  testing::TempDir dir;
  write_examples(dir, fences);
  const std::string base = dir / "";  // the directory, with its '/'
  int examples = 0;
  for (const Fence& fence : fences) {
    if (fence.language != "rules-error") continue;
    ++examples;
    INFO("docs/rules.md:", fence.line, ": ```rules-error ", fence.name);
    const RuleLoad load = load_example(dir, fence);
    CHECK(load.rules == nullptr);
    REQUIRE_FALSE(load.errors.empty());
    const std::string file = dir / file_name(fence);
    for (const std::string& error : load.errors) {
      CAPTURE(error);
      // "<file>:<line>: <message>"
      REQUIRE(error.rfind(file + ":", 0) == 0);
      const size_t digits = file.size() + 1;
      size_t end = digits;
      while (end < error.size() && error[end] >= '0' && error[end] <= '9') ++end;
      CHECK(end > digits);
      CHECK(error.substr(end, 2) == ": ");
      CHECK(error.size() > end + 2);
      // The page shows it with the example's own name.
      const std::string shown = error.substr(base.size());
      CHECK_MESSAGE(page.find(shown) != std::string::npos, "docs/rules.md does not show: ", shown);
    }
  }
  CHECK(examples >= 1);
}

TEST_CASE("docs/rules.md lists every built-in check with its default score") {
  const std::string page = read_page();
  for (const BuiltinCheck& check : builtin_checks()) {
    const std::string row = "| `" + std::string(check.name) + "` | " + score_text(check.default_score) + " |";
    CHECK_MESSAGE(page.find(row) != std::string::npos, "docs/rules.md has no row ", row);
  }
  const std::vector<ScoreBand> bands = default_learned_bands();
  std::string learned = "| `LEARNED` | bands `";
  for (size_t i = 0; i < bands.size(); ++i)
    learned.append(i ? " " : "").append(score_text(bands[i].probability)).append(":").append(score_text(bands[i].score));
  CHECK_MESSAGE(page.find(learned + "` |") != std::string::npos, "docs/rules.md has no row ", learned);
  CHECK(page.find("| `LINKS_N` | 0 |") != std::string::npos);
}

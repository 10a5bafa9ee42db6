// Shipped rule files under test (test_default_rules, test_ja_rules): loads
// files of this repository's rules/ as one set and scores a comment with
// them; reads the ordinary comments of tests/data/cjk-ham.txt.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "scoring/scorer.h"

namespace spamgate::testing {

struct ShippedRules {
  std::shared_ptr<const RuleSet> rules;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};

  // `names`: files of rules/, read in this order.
  explicit ShippedRules(const std::vector<std::string>& names) {
    std::vector<std::string> files;
    for (const std::string& name : names) files.push_back(std::string(SPAMGATE_SOURCE_DIR) + "/rules/" + name);
    auto load = load_rules(files);
    for (const std::string& e : load.errors) FAIL_CHECK(e);
    REQUIRE(load.rules);
    rules = load.rules;
  }
  Verdict score(const std::string& author, const std::string& url, const std::string& body) const {
    Submission s;
    s.author = author;
    s.email = "someone@example.org";
    s.url = url;
    s.body = body;
    s.ip = "192.0.2.10";
    s.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
    return Scorer().score(*rules, s, context);
  }
};

struct HamComment {
  int line;
  std::string language, author, url, body;
};

// tests/data/cjk-ham.txt: LANGUAGE <TAB> AUTHOR <TAB> WEBSITE <TAB> TEXT.
inline std::vector<HamComment> read_cjk_ham() {
  const std::string path = std::string(SPAMGATE_SOURCE_DIR) + "/tests/data/cjk-ham.txt";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in, "cannot read ", path);
  std::vector<HamComment> comments;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts;
    for (size_t from = 0, tab = 0; parts.size() < 4; from = tab + 1) {
      tab = parts.size() == 3 ? std::string::npos : line.find('\t', from);
      parts.push_back(line.substr(from, tab == std::string::npos ? std::string::npos : tab - from));
      if (tab == std::string::npos) break;
    }
    REQUIRE_MESSAGE(parts.size() == 4, path, ":", number, ": expected 4 tab-separated columns");
    for (size_t at; (at = parts[3].find("\\n")) != std::string::npos;) parts[3].replace(at, 2, "\n");
    comments.push_back({number, parts[0], parts[1], parts[2] == "-" ? "" : parts[2], parts[3]});
  }
  return comments;
}

}  // namespace spamgate::testing

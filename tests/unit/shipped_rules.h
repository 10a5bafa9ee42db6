// Shipped rule files under test (test_default_rules, test_ja_rules): loads
// files of this repository's rules/ as one set and scores a comment with
// them (the ordinary comments to try are in support/cjk_ham.h).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scoring/scorer.h"
#include "support/comment.h"

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
    Submission s = comment(body, author, "someone@example.org");
    s.url = url;
    return Scorer().score(*rules, s, context);
  }
};

}  // namespace spamgate::testing

// The shipped rules/default.rules: it loads cleanly, catches realistic blog
// spam and lets ordinary comments through.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "scoring/scorer.h"

using namespace spamgate;

namespace {

struct DefaultRules {
  std::shared_ptr<const RuleSet> rules;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};

  DefaultRules() {
    auto load = load_rules({std::string(SPAMGATE_SOURCE_DIR) + "/rules/default.rules"});
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

}  // namespace

TEST_CASE_FIXTURE(DefaultRules, "default.rules loads without errors, with hold 5 and reject 10") {
  CHECK(rules->hold_threshold() == 5);
  CHECK(rules->reject_threshold() == 10);
  CHECK(rules->find("SHORTENER"));
  CHECK(rules->source_files().size() == 2);  // the rules and lists/shorteners.txt
  for (const RuleInfo& info : rules->rules())
    if (info.kind != RuleKind::links && info.score != 0) CHECK_MESSAGE(!info.description.empty(), info.name);
}

TEST_CASE_FIXTURE(DefaultRules, "default.rules holds or rejects realistic blog spam") {
  struct Sample {
    const char* author;
    const char* url;
    const char* body;
    Action at_least;
  };
  const Sample samples[] = {
      {"Mike", "", "Buy cheap viagra online without prescription at http://pharma.example/ and http://pills.example/",
       Action::hold},
      {"Best Online Casino", "http://casino.example",
       "Great post! I've bookmarked your site. Try our online casino with free spins: http://casino.example/bonus",
       Action::reject},
      {"Jenny", "", "Need cash fast? Get payday loans with no credit check at http://loans.example/apply",
       Action::hold},
      {"Rank Masters", "https://seo.example",
       "We can rank your website on the first page of Google. Buy high quality backlinks from our SEO agency.",
       Action::hold},
      {"Grace", "",
       "I lost everything until I invested with him and got a return on my investment in a week. Contact him on "
       "WhatsApp +1 555 123 4567",
       Action::hold},
      {"jerseys", "", "[url=http://a.example]cheap jerseys[/url] [url=http://b.example]nfl jerseys[/url]",
       Action::reject},
      {"x", "",
       "http://1.example http://2.example http://3.example http://4.example http://5.example http://6.example "
       "http://7.example http://8.example http://9.example http://10.example http://11.example http://12.example",
       Action::reject},
      {"Anna", "", "Hey, check out my new website, all about hot singles: http://bit.ly/3xYz", Action::hold},
      {"Tom", "", "https://shop.example/item?ref=4604617", Action::hold},
      {"Work From Home", "", "I earn $450 per day working from home. Click here: http://jobs.example",
       Action::hold},
      // Bare links, in any language (LINK_ONLY).
      {"Sam", "", "nice post http://deals.example/x", Action::hold},
      {"Sam", "", "Thanks! www.deals.example", Action::hold},
      {"Sam", "", "<a href=\"http://deals.example/\">http://deals.example/</a>", Action::hold},
      {"ケン", "", "いいね http://deals.example/x", Action::hold},
      {"ケン", "", "ありがとう！ https://deals.example/x", Action::hold},
      {"王", "", "很好 http://deals.example/x", Action::hold},
      {"김", "", "좋아요 http://deals.example/x", Action::hold},
      {"สม", "", "ขอบคุณครับ http://deals.example/x", Action::hold},
  };
  for (const Sample& sample : samples) {
    const Verdict v = score(sample.author, sample.url, sample.body);
    INFO(sample.body, " -> ", v.to_text());
    CHECK(static_cast<int>(v.action) >= static_cast<int>(sample.at_least));
  }
}

TEST_CASE_FIXTURE(DefaultRules, "default.rules passes ordinary comments") {
  const char* comments[] = {
      "Thanks for the clear explanation. I tried it on my site and the hold threshold works as described.",
      ("I disagree with the second point: caching matters more than the database here. The docs at "
       "https://wordpress.org/documentation/ say the same."),
      "My father takes Cialis for his blood pressure, so this article was useful to us.",
      "Poker Face is still my favourite Lady Gaga song, and this cover is great.",
      "Great post, keep up the good work!",
      "Is there a way to get the recipe in grams? My scale doesn't do cups.",
      "I wrote a longer reply on my blog, but in short: yes, it works with PHP 8.2.",
      "We met at the 2019 meetup in Lyon — nice to read you again. À bientôt !",
  };
  for (const char* body : comments) {
    const Verdict v = score("Claire Martin", "", body);
    INFO(body, " -> ", v.to_text());
    CHECK(v.action == Action::pass);
  }
  // A reader's own website in the website field is normal.
  CHECK(score("Claire", "https://claire.example", comments[0]).action == Action::pass);
}

namespace {

struct HamComment {
  int line;
  std::string language, author, url, body;
};

// tests/data/cjk-ham.txt: LANGUAGE <TAB> AUTHOR <TAB> WEBSITE <TAB> TEXT.
std::vector<HamComment> read_cjk_ham() {
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

}  // namespace

TEST_CASE_FIXTURE(DefaultRules, "default.rules passes ordinary Japanese, Chinese, Korean and Thai comments") {
  const std::vector<HamComment> comments = read_cjk_ham();
  std::map<std::string, int> per_language;
  for (const HamComment& c : comments) {
    ++per_language[c.language];
    const Verdict v = score(c.author, c.url, c.body);
    INFO("cjk-ham.txt:", c.line, ": ", c.body, " -> ", v.to_text());
    CHECK(v.action == Action::pass);
  }
  CHECK(per_language["ja"] >= 15);
  CHECK(per_language["zh"] >= 5);
  CHECK(per_language["ko"] >= 5);
  CHECK(per_language["th"] >= 5);
}

TEST_CASE_FIXTURE(DefaultRules, "the example of issue 28 passes: two sentences of thanks and a link to the docs") {
  const Verdict v = score("鈴木", "",
                          "同じ症状で困っていたので助かりました。公式ドキュメント https://wordpress.org/documentation/ "
                          "も参考にしました。");
  INFO(v.to_text());
  CHECK(v.action == Action::pass);
  CHECK(v.score == 0);
}

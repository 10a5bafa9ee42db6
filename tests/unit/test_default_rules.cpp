// The shipped rules/default.rules: it loads cleanly, catches realistic blog
// spam and lets ordinary comments through.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "shipped_rules.h"
#include "support/cjk_ham.h"

using namespace spamgate;

namespace {

struct DefaultRules : testing::ShippedRules {
  DefaultRules() : ShippedRules({"default.rules"}) {}
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


TEST_CASE_FIXTURE(DefaultRules, "default.rules passes ordinary Japanese, Chinese, Korean and Thai comments") {
  const std::vector<testing::HamComment> comments = testing::read_cjk_ham(SPAMGATE_SOURCE_DIR);
  std::map<std::string, int> per_language;
  for (const testing::HamComment& c : comments) {
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

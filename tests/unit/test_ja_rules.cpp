// rules/ja.rules, the optional pack for Japanese sites, read after
// rules/default.rules: ordinary Japanese comments (with and without links,
// with English words, in half-width katakana) pass; spam in English,
// Russian, Chinese and Japanese is held or rejected.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "shipped_rules.h"
#include "support/cjk_ham.h"

using namespace spamgate;

namespace {

struct JapaneseSite : testing::ShippedRules {
  JapaneseSite() : ShippedRules({"default.rules", "ja.rules"}) {}
};

}  // namespace

TEST_CASE_FIXTURE(JapaneseSite, "ja.rules passes ordinary Japanese comments, with links and English words") {
  int japanese = 0;
  for (const testing::HamComment& c : testing::read_cjk_ham(SPAMGATE_SOURCE_DIR)) {
    if (c.language != "ja") continue;
    ++japanese;
    const Verdict v = score(c.author, c.url, c.body);
    INFO("cjk-ham.txt:", c.line, ": ", c.body, " -> ", v.to_text());
    CHECK(v.action == Action::pass);
  }
  CHECK(japanese >= 15);
}

TEST_CASE_FIXTURE(JapaneseSite, "ja.rules holds a comment with no Japanese, and rejects it with a link or a spam sign") {
  struct Sample {
    const char* body;
    Action action;
  };
  const Sample samples[] = {
      // English, Russian and Chinese: no kanji or kana.
      {"Hello, I really like your website design. Who made it?", Action::hold},
      {"Great post, keep up the good work! http://deals.example/", Action::reject},
      {"Buy cheap viagra online without prescription", Action::reject},
      {"Привет! Отличный сайт, заходите к нам http://kazino.example.ru", Action::reject},
      {"Привет, отличная статья, спасибо автору", Action::hold},
      {"正品代购，价格优惠，详情请访问 http://daigou.example.cn", Action::hold},
      // Japanese spam.
      {"スーパーコピー ブランド激安通販はこちら https://copy.example.jp/", Action::hold},
      {"即日融資OK！ブラックでも借りれる https://loan.example.jp/", Action::hold},
      {"人妻と出会える無料出会い系サイト https://deai.example.jp/ オンラインカジノもあります https://casino.example.jp/",
       Action::hold},
      {"スマホで稼げる副業で月収１００万円！詳しくは https://fukugyo.example.jp/", Action::hold},
  };
  for (const Sample& sample : samples) {
    const Verdict v = score("Visitor", "", sample.body);
    INFO(sample.body, " -> ", v.to_text());
    CHECK(static_cast<int>(v.action) >= static_cast<int>(sample.action));
  }
  // Only the no-Japanese rules see the English comment without a link: held, not rejected.
  CHECK(score("Visitor", "", samples[0].body).action == Action::hold);
}

TEST_CASE_FIXTURE(JapaneseSite, "full-width and half-width spellings meet the same rules as the ordinary ones") {
  const std::string ordinary = score("Visitor", "", "オンラインカジノで稼ごう https://casino.example.jp/").rule_names();
  CHECK(ordinary.find("JA_GAMBLING") != std::string::npos);
  CHECK(score("Visitor", "", "ｵﾝﾗｲﾝｶｼﾞﾉで稼ごう https://casino.example.jp/").rule_names() == ordinary);
  // viagra in full-width letters between kana: PHARMA (\bviagra\b) fires.
  const Verdict pharma = score("Visitor", "", "安いｖｉａｇｒａの通販はこちら");
  INFO(pharma.to_text());
  CHECK(pharma.rule_names().find("PHARMA") != std::string::npos);
  // 月収１００万 (full-width digits) is JA_EASY_MONEY like 月収100万.
  CHECK(score("Visitor", "", "在宅ワークで月収１００万").rule_names().find("JA_EASY_MONEY") != std::string::npos);
  // An ordinary comment in half-width katakana still passes.
  CHECK(score("たなか", "", "ｺﾒﾝﾄ失礼します。参考になりました").action == Action::pass);
}

// rules/ja.rules, the optional pack for Japanese sites, read after
// rules/default.rules: ordinary Japanese comments (with and without links,
// with English words, in half-width katakana) pass; spam in English,
// Russian, Chinese and Japanese is held or rejected.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "scoring/scorer.h"

using namespace spamgate;

namespace {

struct JapaneseSite {
  std::shared_ptr<const RuleSet> rules;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};

  JapaneseSite() {
    const std::string dir = std::string(SPAMGATE_SOURCE_DIR) + "/rules/";
    auto load = load_rules({dir + "default.rules", dir + "ja.rules"});
    for (const std::string& e : load.errors) FAIL_CHECK(e);
    REQUIRE(load.rules);
    rules = load.rules;
  }
  Verdict score(const std::string& author, const std::string& url, const std::string& body) const {
    Submission s;
    s.author = author;
    s.email = "someone@example.jp";
    s.url = url;
    s.body = body;
    return Scorer().score(*rules, s, context);
  }
};

// The Japanese lines of tests/data/cjk-ham.txt: LANGUAGE <TAB> AUTHOR <TAB> WEBSITE <TAB> TEXT.
std::vector<std::vector<std::string>> japanese_ham() {
  std::ifstream in(std::string(SPAMGATE_SOURCE_DIR) + "/tests/data/cjk-ham.txt");
  REQUIRE(in);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ja\t", 0) != 0) continue;
    std::vector<std::string> parts;
    size_t from = 0;
    for (int i = 0; i < 3; ++i) {
      const size_t tab = line.find('\t', from);
      parts.push_back(line.substr(from, tab - from));
      from = tab + 1;
    }
    parts.push_back(line.substr(from));
    rows.push_back(parts);
  }
  return rows;
}

}  // namespace

TEST_CASE_FIXTURE(JapaneseSite, "ja.rules passes ordinary Japanese comments, with links and English words") {
  const auto rows = japanese_ham();
  CHECK(rows.size() >= 15);
  for (const auto& row : rows) {
    const Verdict v = score(row[1], row[2] == "-" ? "" : row[2], row[3]);
    INFO(row[3], " -> ", v.to_text());
    CHECK(v.action == Action::pass);
  }
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

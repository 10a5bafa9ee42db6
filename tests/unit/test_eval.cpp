#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "scoring/eval.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {
const std::string kCorpus = std::string(SPAMGATE_CORPUS_DIR) + "/comments/";
}

TEST_CASE("the YouTube CSVs read completely: quoted line breaks, doubled quotes, trailing U+FEFF") {
  size_t total = 0, spam = 0;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}) {
    auto rows = read_labelled_csv(kCorpus + name);
    REQUIRE_MESSAGE(rows.ok(), rows.error());
    total += rows->size();
    for (const LabelledComment& c : *rows) {
      spam += c.spam;
      CHECK(c.body.find("\xEF\xBB\xBF") == std::string::npos);
    }
  }
  CHECK(total == 1956);  // the corpus README's figures
  CHECK(spam == 1005);
}

TEST_CASE("read_labelled_csv: fields, columns by header name, errors with file:line") {
  TempDir dir;
  const std::string good = dir.write("good.csv",
                                     "\xEF\xBB\xBF\"CLASS\",\"CONTENT\",\"AUTHOR\"\r\n"
                                     "1,\"Buy \"\"now\"\",\nsecond line\xEF\xBB\xBF\",Bot\r\n"
                                     "0,plain,Ann\n");
  auto rows = read_labelled_csv(good);
  REQUIRE_MESSAGE(rows.ok(), rows.error());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].body == "Buy \"now\",\nsecond line");
  CHECK((*rows)[0].author == "Bot");
  CHECK((*rows)[0].spam);
  CHECK((*rows)[1].line == 4);
  CHECK_FALSE((*rows)[1].spam);

  auto bad_class = read_labelled_csv(dir.write("bad.csv", "AUTHOR,CONTENT,CLASS\nA,text,1\nB,text,yes\n"));
  REQUIRE_FALSE(bad_class.ok());
  CHECK(bad_class.error() == (dir / "bad.csv") + ":3: CLASS must be 0 or 1, not 'yes'");
  auto short_row = read_labelled_csv(dir.write("short.csv", "AUTHOR,CONTENT,CLASS\nA,text\n"));
  CHECK(short_row.error() == (dir / "short.csv") + ":2: expected at least 3 fields");
  auto no_header = read_labelled_csv(dir.write("nohead.csv", "a,b,c\n"));
  CHECK(no_header.error() == (dir / "nohead.csv") + ":1: header must name AUTHOR, CONTENT and CLASS");
  auto unclosed = read_labelled_csv(dir.write("open.csv", "AUTHOR,CONTENT,CLASS\nA,\"never closed,1\n"));
  CHECK(unclosed.error() == (dir / "open.csv") + ":2: unclosed quote");
  CHECK_FALSE(read_labelled_csv(dir / "absent.csv").ok());
}

TEST_CASE("evaluate counts caught spam, false positives and per-rule hits") {
  TempDir dir;
  const std::string csv = dir.write("mini.csv",
                                    "AUTHOR,CONTENT,CLASS\n"
                                    "a,cheap pills here,1\n"        // caught (reject)
                                    "b,pills,1\n"                   // caught (hold)
                                    "c,hello,1\n"                   // missed
                                    "d,my pills ran out,0\n"        // false positive (hold)
                                    "e,nice song,0\n");             // fine
  auto load = load_rules({dir.write("r.rules", "body PILLS /pills/\nscore PILLS 5\nbody CHEAP /cheap/\nscore CHEAP 5\n")});
  REQUIRE(load.rules);
  auto report = evaluate(*load.rules, ChecksConfig{}, {csv});
  REQUIRE(report.ok());
  const EvalCounts& t = report->total;
  CHECK(t.total() == 5);
  CHECK(t.spam == 3);
  CHECK(t.spam_caught == 2);
  CHECK(t.spam_rejected == 1);
  CHECK(t.false_positives == 1);
  CHECK(t.ham_rejected == 0);
  CHECK(t.precision() == doctest::Approx(2.0 / 3));
  CHECK(t.recall() == doctest::Approx(2.0 / 3));
  REQUIRE(report->rule_hits.size() == 2);
  CHECK(report->rule_hits[0].rule == "PILLS");
  CHECK(report->rule_hits[0].spam == 2);
  CHECK(report->rule_hits[0].ham == 1);
  const std::string text = render_eval(*report);
  CHECK(text.find("mini.csv") != std::string::npos);
  CHECK(text.find("66.7%") != std::string::npos);
  CHECK_FALSE(evaluate(*load.rules, ChecksConfig{}, {dir / "absent.csv"}).ok());
}

TEST_CASE("default.rules on the held-out video (Youtube05-Shakira, not used for tuning)") {
  auto load = load_rules({std::string(SPAMGATE_SOURCE_DIR) + "/rules/default.rules"});
  REQUIRE(load.rules);
  auto report = evaluate(*load.rules, ChecksConfig{}, {kCorpus + "Youtube05-Shakira.csv"});
  REQUIRE(report.ok());
  MESSAGE(render_eval(*report));
  // Floors well under the measured figures (100% precision, 29% recall):
  // a change that starts holding ham or stops catching spam fails here.
  CHECK(report->total.false_positives <= 2);
  CHECK(report->total.recall() >= 0.2);
  CHECK(report->rule_errors == 0);
}

TEST_CASE("evaluate with an active model: each row's probability and whether the verdict without LEARNED flags it") {
  TempDir dir;
  // Taught: spam sells and links, ham talks about the song, in English and Japanese.
  std::string taught = "AUTHOR,CONTENT,CLASS\n";
  for (int i = 0; i < 6; ++i) {
    taught += "bot" + std::to_string(i) + ",cheap pills at shop" + std::to_string(i) + ".example.com buy now,1\n";
    taught += "botj" + std::to_string(i) + ",格安の薬を今すぐ購入 shop" + std::to_string(i) + ".example.com,1\n";
    taught += "fan" + std::to_string(i) + ",great song I love the chorus,0\n";
    taught += "fanj" + std::to_string(i) + ",この曲のサビが大好きです,0\n";
  }
  const std::string train = dir.write("train.csv", taught);
  const std::string test = dir.write("test.csv",
                                     "AUTHOR,CONTENT,CLASS\n"
                                     "x,buy cheap pills now,1\n"           // the model's spam, no rule
                                     "y,格安の薬を今すぐ購入,1\n"          // the model's spam, in Japanese
                                     "z,pills pills pills,1\n"             // the rule alone holds it
                                     "w,サビが大好き,0\n");
  auto load = load_rules({dir.write("r.rules", "body PILLS3 /(pills ){2}pills/\nscore PILLS3 5\nscore LEARNED 0.5:5\n")});
  REQUIRE(load.rules);
  auto model = train_on_files({train}, 5);
  REQUIRE_MESSAGE(model.ok(), model.error());
  REQUIRE((*model)->active());

  auto report = evaluate(*load.rules, ChecksConfig{}, {test}, model->get());
  REQUIRE(report.ok());
  auto comments = read_labelled_csv(test);
  REQUIRE(comments.ok());
  REQUIRE(report->learned_rows.size() == comments->size());
  for (size_t i = 0; i < comments->size(); ++i) {
    const LearnedRow& row = report->learned_rows[i];
    const Submission submission = labelled_submission((*comments)[i]);
    CHECK(row.probability == doctest::Approx((*model)->confident_probability(extract_features(submission))));
    CHECK(row.spam == (*comments)[i].spam);
    CHECK(row.flagged_without == (i == 2));  // only "pills pills pills" is held by the rule
  }
  CHECK(report->learned_rows[0].probability > 0.5);  // the model sees what the rule does not
  CHECK(report->learned_rows[1].probability > 0.5);
  CHECK(report->learned_rows[3].probability < 0.5);

  const nlohmann::json json = eval_json(*report, model->get());
  REQUIRE(json["learned_rows"].size() == 4);
  CHECK(json["learned_rows"][2] == nlohmann::json::array({report->learned_rows[2].probability, 1, 1}));
  CHECK(json["learned_rows"][3][1] == 0);
  CHECK(json["learned_rows"][3][2] == 0);

  // A model below its gate scores nothing, so there is no row to report.
  auto silent = train_on_files({train}, 100);
  REQUIRE(silent.ok());
  auto quiet = evaluate(*load.rules, ChecksConfig{}, {test}, silent->get());
  REQUIRE(quiet.ok());
  CHECK(quiet->learned_rows.empty());
  CHECK_FALSE(eval_json(*quiet, silent->get()).contains("learned_rows"));
}

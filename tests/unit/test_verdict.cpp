#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "scoring/verdict.h"
#include "util/json_text.h"

using namespace spamgate;

TEST_CASE("a verdict renders its hits as JSON and text") {
  Verdict verdict;
  verdict.action = Action::hold;
  verdict.score = 6.5;
  verdict.hits = {{"PHARMA", 6, "body: viagra"}, {"LINKS_3", 0.5, "4 links"}};
  CHECK(verdict.rule_names() == "PHARMA,LINKS_3");
  const nlohmann::json json = verdict;
  CHECK(json["action"] == "hold");
  CHECK(json["score"] == 6.5);
  CHECK(json["hits"].size() == 2);
  CHECK(json["hits"][0]["rule"] == "PHARMA");
  CHECK(verdict.to_text().find("LINKS_3") != std::string::npos);
}

TEST_CASE("invalid UTF-8 in a hit detail still renders as valid JSON") {
  Verdict verdict;
  verdict.hits = {{"BAD_UTF8", 1, "body: \xff\xfe"}};
  CHECK(nlohmann::json::accept(json_text(verdict)));
}

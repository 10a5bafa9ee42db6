#include <doctest/doctest.h>

#include <boost/regex.hpp>
#include <random>
#include <string>
#include <vector>

#include "random_regex.h"
#include "scoring/regex_literals.h"

using namespace spamgate;
using Literals = std::optional<std::vector<std::string>>;

namespace {

Literals set(std::vector<std::string> strings) { return strings; }

boost::regex compile(const std::string& pattern, const std::string& flags) {
  auto f = boost::regex::perl | boost::regex::no_mod_m;
  f |= flags.find('s') != std::string::npos ? boost::regex::mod_s : boost::regex::no_mod_s;
  if (flags.find('i') != std::string::npos) f |= boost::regex::icase;
  return boost::regex(pattern, f);
}

bool contains_one(const std::string& text, const std::vector<std::string>& literals) {
  std::string lower = text;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  for (const std::string& l : literals)
    if (lower.find(l) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("required literals of plain words, alternations and optional parts") {
  CHECK(required_literals("\\b(viagra|Cialis|levitra)\\b", "i") == set({"cialis", "levitra", "viagra"}));
  CHECK(required_literals("CaSiNo", "") == set({"casino"}));
  CHECK(required_literals("https?:\\/\\/", "i") == set({"http://", "https://"}));
  CHECK(required_literals("buy (cheap )?pills", "") == set({"buy cheap pills", "buy pills"}));
  CHECK(required_literals("a*bcd", "") == set({"bcd"}));
  CHECK(required_literals("(abc)+x", "") == set({"abc"}));
  CHECK(required_literals("(abc)*defg", "") == set({"defg"}));
  CHECK(required_literals("\\<word\\>", "") == set({"word"}));
  CHECK(required_literals("(?=abc)defg", "") == set({"defg"}));
  CHECK(required_literals("^free\\s+money$", "i") == set({"money"}));
  CHECK(required_literals("[?&#](ref|aff)=", "i") == set({"aff=", "ref="}));
  CHECK(required_literals("<a\\s[^>]*href\\s*=", "i") == set({"href"}));
  CHECK(required_literals("www\\.", "") == set({"www."}));
}

TEST_CASE("no literals when one cannot be proven") {
  CHECK_FALSE(required_literals("casino|\\d+", "i"));             // a branch without a literal
  CHECK_FALSE(required_literals("casino|", ""));                  // an empty branch
  CHECK_FALSE(required_literals("ab|cd", ""));                    // too short to be selective
  CHECK_FALSE(required_literals("(abc)?", ""));                   // optional
  CHECK_FALSE(required_literals("casino", "x"));                  // x changes what spaces and # mean
  CHECK_FALSE(required_literals("(?i)casino", ""));               // inline modifiers
  CHECK_FALSE(required_literals("(?x)c a s i n o", ""));
  CHECK_FALSE(required_literals("(?<n>casino)", ""));             // named group
  CHECK_FALSE(required_literals("\\Qcasino\\E", ""));             // quoting
  CHECK_FALSE(required_literals("(cas)\\1ino", ""));              // back-reference
  CHECK_FALSE(required_literals("\\x41casino", ""));              // hex escape
  CHECK_FALSE(required_literals("[[.].]]abc", ""));               // collating element holding ]
  CHECK_FALSE(required_literals("[[=a=]]bcd", ""));
  CHECK_FALSE(required_literals("[\\Q]\\E]abc", ""));
  CHECK_FALSE(required_literals("(*ACCEPT)abc", ""));             // verbs
  CHECK_FALSE(required_literals("casino)", ""));                  // unbalanced
  CHECK_FALSE(required_literals("(casino", ""));
  CHECK_FALSE(required_literals("[abc", ""));
  CHECK_FALSE(required_literals("casino\\", ""));
  CHECK(required_literals("[[:alpha:]]+casino", "") == set({"casino"}));
}

TEST_CASE("non-ASCII bytes count as literals only when case matters") {
  CHECK(required_literals("caf\xc3\xa9s", "") == set({"caf\xc3\xa9s"}));
  CHECK(required_literals("caf\xc3\xa9s", "i") == set({"caf"}));
}

// The property the prefilter rests on: whenever a regex matches a text, the
// text (lower-cased) contains one of the regex's literals.
TEST_CASE("a random regex never matches a text without one of its literals") {
  std::mt19937 random(20240605);
  size_t with_literals = 0, matches = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string pattern = testing::random_regex(random);
    const std::string flags = testing::random_flags(random);
    CAPTURE(pattern);
    CAPTURE(flags);
    boost::regex regex;
    REQUIRE_NOTHROW(regex = compile(pattern, flags));
    const Literals literals = required_literals(pattern, flags);
    if (!literals) continue;
    ++with_literals;
    for (int t = 0; t < 40; ++t) {
      const std::string text = testing::random_text(random);
      if (!boost::regex_search(text, regex)) continue;
      ++matches;
      CAPTURE(text);
      CHECK(contains_one(text, *literals));
    }
  }
  // The test would prove nothing if few regexes had literals or few texts matched.
  CHECK(with_literals > 1000);
  CHECK(matches > 1500);
}

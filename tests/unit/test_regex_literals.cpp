#include <doctest/doctest.h>

#include <boost/regex/icu.hpp>
#include <random>
#include <string>
#include <vector>

#include "random_regex.h"
#include "scoring/regex_literals.h"
#include "scoring/search_text.h"
#include "scoring/unicode_pattern.h"

using namespace spamgate;
using Literals = std::optional<std::vector<std::string>>;

namespace {

Literals set(std::vector<std::string> strings) { return strings; }
Literals required(const std::string& pattern, const std::string& flags) {
  return regex_literals(pattern, flags).required;
}
Literals leading(const std::string& pattern, const std::string& flags) {
  return regex_literals(pattern, flags).leading;
}

// As the rule loader compiles a rule (unicode_pattern, the ICU engine).
boost::u32regex compile(const std::string& pattern, const std::string& flags) {
  auto f = boost::regex::perl | boost::regex::no_mod_m;
  f |= flags.find('s') != std::string::npos ? boost::regex::mod_s : boost::regex::no_mod_s;
  if (flags.find('i') != std::string::npos) f |= boost::regex::icase;
  const Result<std::string> rewritten = unicode_pattern(pattern, flags);
  if (!rewritten) throw std::runtime_error(rewritten.error());
  return boost::make_u32regex(*rewritten, f);
}

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return text;
}

bool contains_one(const std::string& text, const std::vector<std::string>& literals) {
  for (const std::string& l : literals)
    if (lower(text).find(l) != std::string::npos) return true;
  return false;
}

bool starts_with_one(const std::string& text, size_t offset, const std::vector<std::string>& literals) {
  for (const std::string& l : literals)
    if (lower(text).compare(offset, l.size(), l) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("required literals of plain words, alternations and optional parts") {
  CHECK(required("\\b(viagra|Cialis|levitra)\\b", "i") == set({"cialis", "levitra", "viagra"}));
  CHECK(required("CaSiNo", "") == set({"casino"}));
  CHECK(required("https?:\\/\\/", "i") == set({"http://", "https://"}));
  CHECK(required("buy (cheap )?pills", "") == set({"buy cheap pills", "buy pills"}));
  CHECK(required("a*bcd", "") == set({"bcd"}));
  CHECK(required("(abc)+x", "") == set({"abc"}));
  CHECK(required("(abc)*defg", "") == set({"defg"}));
  CHECK(required("\\<word\\>", "") == set({"word"}));
  CHECK(required("(?=abc)defg", "") == set({"defg"}));
  CHECK(required("^free\\s+money$", "i") == set({"money"}));
  CHECK(required("[?&#](ref|aff)=", "i") == set({"#aff=", "#ref=", "&aff=", "&ref=", "?aff=", "?ref="}));
  CHECK(required("<a\\s[^>]*href\\s*=", "i") == set({"href"}));
  CHECK(required("www\\.", "") == set({"www."}));
}

TEST_CASE("no literals when one cannot be proven") {
  CHECK_FALSE(required("casino|\\d+", "i"));             // a branch without a literal
  CHECK_FALSE(required("casino|", ""));                  // an empty branch
  CHECK_FALSE(required("ab|cd", ""));                    // too short to be selective
  CHECK_FALSE(required("(abc)?", ""));                   // optional
  CHECK_FALSE(required("casino", "x"));                  // x changes what spaces and # mean
  CHECK_FALSE(required("(?i)casino", ""));               // inline modifiers
  CHECK_FALSE(required("(?x)c a s i n o", ""));
  CHECK_FALSE(required("(?<n>casino)", ""));             // named group
  CHECK_FALSE(required("\\Qcasino\\E", ""));             // quoting
  CHECK_FALSE(required("(cas)\\1ino", ""));              // back-reference
  CHECK(required("\\x41casino", "") == set({"casino"}));  // a hex escape is one character
  CHECK_FALSE(required("[[.].]]abc", ""));               // collating element holding ]
  CHECK_FALSE(required("[[=a=]]bcd", ""));
  CHECK_FALSE(required("[\\Q]\\E]abc", ""));
  CHECK_FALSE(required("(*ACCEPT)abc", ""));             // verbs
  CHECK_FALSE(required("casino)", ""));                  // unbalanced
  CHECK_FALSE(required("(casino", ""));
  CHECK_FALSE(required("[abc", ""));
  CHECK_FALSE(required("casino\\", ""));
  CHECK(required("[[:alpha:]]+casino", "") == set({"casino"}));
}

TEST_CASE("leading literals: what every match starts with, after zero-width assertions") {
  CHECK(leading("\\b(viagra|Cialis|levitra)\\b", "i") == set({"cialis", "levitra", "viagra"}));
  CHECK(leading("https?:\\/\\/(www\\.)?", "i") ==
        set({"http://", "http://www.", "https://", "https://www."}));
  CHECK(leading("buy (cheap )?pills\\b", "") == set({"buy cheap pills", "buy pills"}));
  CHECK(leading("(abc)+x", "") == set({"abc"}));
  CHECK(leading("(?<=x)(?!casinos)casino\\d", "") == set({"casino"}));
  // A leading set is also a necessary one, but a longer literal later on may
  // be the better filter: the prefilter then asks for both.
  CHECK(leading("^free\\s+money$", "i") == set({"free"}));
  CHECK(required("^free\\s+money$", "i") == set({"money"}));
}

TEST_CASE("short lists of plain characters are literals; punctuation may lead") {
  CHECK(leading("[?&#](ref|aff)=", "i") == set({"#aff=", "#ref=", "&aff=", "&ref=", "?aff=", "?ref="}));
  CHECK(required("[Cc]asino", "") == set({"casino"}));
  CHECK(required("[-+]pills", "") == set({"+pills", "-pills"}));
  CHECK(leading("\\$\\s?\\d", "") == set({"$"}));
  CHECK(leading("<a\\s[^>]*href", "i") == set({"<a"}));
  CHECK(required("<a\\s[^>]*href", "i") == set({"href"}));
  CHECK_FALSE(leading("[a-c]asino", ""));   // a range
  CHECK_FALSE(leading("[^x]casino", ""));   // negated
  CHECK_FALSE(leading("[\\d.]casino", ""));  // an escape
  CHECK_FALSE(leading("[abcdefghi]casino", ""));  // more than 8 characters
  CHECK_FALSE(leading("a\\w+", ""));        // short and not punctuation
}

TEST_CASE("no leading literals when a match may start elsewhere") {
  CHECK_FALSE(leading("a*bcd", ""));             // may start with "a" or "b"
  CHECK_FALSE(leading("\\w+casino", ""));
  CHECK(required("\\w+casino", "") == set({"casino"}));
  CHECK_FALSE(leading("casino|\\d+poker", ""));  // a branch starting anywhere
  CHECK_FALSE(leading("ab\\w+", ""));           // too short to be selective
  CHECK_FALSE(leading("\\Gcasino", ""));        // \G depends on where the search starts
  CHECK(required("\\Gcasino", "") == set({"casino"}));
  CHECK_FALSE(leading("casino", "x"));
}

TEST_CASE("a non-ASCII letter is a literal; under i, each of its case forms") {
  CHECK(required("caf\xc3\xa9s", "") == set({"caf\xc3\xa9s"}));
  CHECK(required("caf\xc3\xa9s", "i") == set({"caf\xc3\x89s", "caf\xc3\xa9s"}));  // é, É
}

// The property the prefilter rests on: whenever a regex matches a text, the
// text (lower-cased) contains one of the regex's literals.
TEST_CASE("a random regex never matches a text without one of its literals, nor starts a match elsewhere") {
  std::mt19937 random(20240605);
  size_t with_literals = 0, with_leading = 0, matches = 0, leading_matches = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string pattern = testing::random_regex(random);
    const std::string flags = testing::random_flags(random);
    CAPTURE(pattern);
    CAPTURE(flags);
    boost::u32regex regex;
    REQUIRE_NOTHROW(regex = compile(pattern, flags));
    const RegexLiterals literals = regex_literals(pattern, flags);
    if (!literals.required) continue;
    ++with_literals;
    with_leading += literals.leading ? 1 : 0;
    for (int t = 0; t < 40; ++t) {
      const std::string raw = testing::random_text(random);
      const std::string text = search_text(raw).value_or(raw);  // what the scorer searches
      CAPTURE(text);
      for (auto match = boost::make_u32regex_iterator(text, regex); match != boost::u32regex_iterator<std::string::const_iterator>(); ++match) {
        ++matches;
        CHECK(contains_one(text, *literals.required));
        if (!literals.leading) continue;
        ++leading_matches;
        CHECK(starts_with_one(text, static_cast<size_t>(match->position()), *literals.leading));
      }
    }
  }
  // The test would prove nothing if few regexes had literals or few texts matched.
  CHECK(with_literals > 1000);
  CHECK(with_leading > 500);
  CHECK(matches > 1500);
  CHECK(leading_matches > 1000);
}

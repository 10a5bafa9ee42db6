#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "scoring/aho_corasick.h"

using namespace spamgate;

namespace {

using Found = std::set<std::pair<uint32_t, size_t>>;  // (pattern, end)

Found scan_all(const AhoCorasick& ac, std::string_view text) {
  Found found;
  ac.scan(text, [&](AhoCorasick::Match m) {
    found.insert({m.pattern, m.end});
    return true;
  });
  return found;
}

// Every occurrence by brute force, for comparison.
Found naive(const std::vector<std::string>& patterns, std::string text, bool ignore_case) {
  auto lower = [](std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return s;
  };
  if (ignore_case) text = lower(text);
  Found found;
  for (uint32_t p = 0; p < patterns.size(); ++p) {
    const std::string pattern = ignore_case ? lower(patterns[p]) : patterns[p];
    if (pattern.empty()) continue;
    for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1))
      found.insert({p, at + pattern.size()});
  }
  return found;
}

}  // namespace

TEST_CASE("aho-corasick finds overlapping and nested patterns (the textbook he/she/his/hers)") {
  const std::vector<std::string> patterns = {"he", "she", "his", "hers"};
  AhoCorasick ac(patterns, false);
  CHECK(scan_all(ac, "ushers") == Found{{1, 4}, {0, 4}, {3, 6}});
  CHECK(scan_all(ac, "ahishers") == naive(patterns, "ahishers", false));
  CHECK_FALSE(ac.find_first("xyz").has_value());
}

TEST_CASE("aho-corasick reports the earliest-ending occurrence first, longest first at one end") {
  AhoCorasick ac({"casino", "sino", "online casino"}, false);
  auto first = ac.find_first("best online casino ever");
  REQUIRE(first.has_value());
  CHECK(first->pattern == 2);
  CHECK(first->end == 18);
}

TEST_CASE("aho-corasick folds ASCII case only when asked, and leaves other bytes exact") {
  AhoCorasick folded({"ViAgRa", "\xc3\xa9t\xc3\xa9"}, true);
  CHECK(folded.find_first("BUY VIAGRA NOW").has_value());
  CHECK(folded.find_first("un \xc3\xa9t\xc3\xa9 chaud").has_value());
  CHECK_FALSE(folded.find_first("UN \xc3\x89T\xc3\x89").has_value());  // no Unicode case folding
  AhoCorasick exact({"Viagra"}, false);
  CHECK_FALSE(exact.find_first("viagra").has_value());
  CHECK(exact.find_first("Viagra").has_value());
}

TEST_CASE("aho-corasick: empty patterns never match, duplicates are all reported, empty set never matches") {
  AhoCorasick ac({"", "ab", "ab"}, false);
  CHECK(scan_all(ac, "xab") == Found{{1, 3}, {2, 3}});
  CHECK(ac.pattern_count() == 3);
  AhoCorasick none;
  CHECK_FALSE(none.find_first("anything").has_value());
  AhoCorasick no_patterns(std::vector<std::string>{}, true);
  CHECK_FALSE(no_patterns.find_first("anything").has_value());
}

TEST_CASE("aho-corasick scan stops when the callback returns false") {
  AhoCorasick ac({"a"}, false);
  int calls = 0;
  ac.scan("aaaa", [&](AhoCorasick::Match) { return ++calls < 2; });
  CHECK(calls == 2);
}

TEST_CASE("aho-corasick agrees with brute force on random patterns and texts") {
  std::mt19937 rng(12345);
  const std::string alphabet = "abcAB\xc3 ";
  auto random_string = [&](size_t max_len) {
    std::string s(std::uniform_int_distribution<size_t>(0, max_len)(rng), ' ');
    for (char& c : s) c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> patterns(std::uniform_int_distribution<size_t>(1, 40)(rng));
    for (auto& p : patterns) p = random_string(5);
    const bool ignore_case = round % 2 == 0;
    AhoCorasick ac(patterns, ignore_case);
    for (int t = 0; t < 5; ++t) {
      const std::string text = random_string(60);
      REQUIRE(scan_all(ac, text) == naive(patterns, text, ignore_case));
    }
  }
}

TEST_CASE("aho-corasick: a set too large for a full dense table (deep states sparse) agrees with brute force") {
  // 30,000 random patterns of 3 to 12 bytes over 40 letters: about 160,000
  // states times 41 byte classes: only the states nearest the root get a
  // full row, the deeper ones keep sparse edges.
  std::mt19937 rng(777);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGH0123-.";
  auto random_string = [&](size_t length) {
    std::string s(length, ' ');
    for (char& c : s) c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    return s;
  };
  std::vector<std::string> patterns(30000);
  for (auto& p : patterns) p = random_string(std::uniform_int_distribution<size_t>(3, 12)(rng));
  for (bool ignore_case : {false, true}) {
    AhoCorasick ac(patterns, ignore_case);
    REQUIRE(ac.state_count() * 41 > (size_t{1} << 20));  // beyond the dense limit
    for (int t = 0; t < 20; ++t) {
      std::string text = random_string(300);
      text.replace(100, patterns[static_cast<size_t>(t) * 997].size(), patterns[static_cast<size_t>(t) * 997]);
      const Found found = scan_all(ac, text);
      CHECK_FALSE(found.empty());
      CHECK(found == naive(patterns, text, ignore_case));
    }
  }
}

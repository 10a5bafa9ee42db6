// libFuzzer target: whatever a site owner writes in a rule file, loading it
// never crashes or hangs; it yields either a rule set or only errors of the
// form "file:line: message" (one line each), and a loaded set scores a
// submission without throwing, with an action that matches its thresholds.
// Input: the text of one rule file (it may include or list other files).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scoring/rule_set.h"
#include "scoring/scorer.h"
#include "support/invariant.h"
#include "support/temp_dir.h"

namespace {

// A private directory holding the rule file, and a list file it may name;
// removed when the fuzzer exits normally.
const spamgate::testing::TempDir& rule_dir() {
  static const spamgate::testing::TempDir dir = [] {
    spamgate::testing::TempDir made("spamgate-fuzz-rules");
    made.write("words.txt", "casino\nviagra\n\n0\n");
    made.write("lists/shorteners.txt", "bit.ly\ntinyurl.com\n");  // so rules/default.rules loads as shipped
    return made;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = rule_dir().write("fuzz.rules", std::string_view(reinterpret_cast<const char*>(data), size));
  const spamgate::RuleLoad load = spamgate::load_rules({file});
  REQUIRE_INVARIANT((load.rules == nullptr) == !load.errors.empty());
  for (const std::string& error : load.errors) {
    REQUIRE_INVARIANT(error.find('\n') == std::string::npos);
    const size_t colon = error.find(':');
    REQUIRE_INVARIANT(colon != std::string::npos && colon > 0);
    REQUIRE_INVARIANT(error.find(": ", colon) != std::string::npos);
  }
  if (!load.rules) return 0;

  spamgate::Submission submission;
  submission.author = "Casino Bob";
  submission.email = "bob@example.org";
  submission.url = "http://bit.ly/x";
  // Several scripts, full-width and half-width forms (searched in NFKC form)
  // and an ill-formed byte (searched as U+FFFD).
  submission.body =
      "buy viagra at http://casino.example/ and www.example.com now, ありがとう, Привет, ขอบคุณ, "
      "安いｖｉａｇｒａの通販 ｶｼﾞﾉ \xFF end";
  submission.ip = "192.0.2.7";
  const spamgate::ChecksConfig checks;
  const spamgate::CheckContext context{checks, "", nullptr, spamgate::TimePoint{std::chrono::seconds{1'700'000'000}}};
  const spamgate::Verdict verdict = spamgate::Scorer().score(*load.rules, submission, context);
  if (verdict.score >= load.rules->reject_threshold())
    REQUIRE_INVARIANT(verdict.action == spamgate::Action::reject);
  return 0;
}

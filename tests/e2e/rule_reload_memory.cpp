// spamgate serve with WordPress's 62,204-entry Disallowed Comment Keys list:
// reloading the rules (SIGHUP) must not ratchet the memory up. Compiling
// the list leaves freed memory behind; spamgate hands it back after a reload.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>

#include "harness/proc_stats.h"
#include "harness/sanitizer.h"
#include "harness/spamgate_server.h"

using namespace harness;

namespace {

const std::string kListRules = "list  DISALLOWED_KEYS any " SPAMGATE_CORPUS_DIR
                               "/blocklists/wordpress-comment-blacklist.txt\nscore DISALLOWED_KEYS 10\n";

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

// Under AddressSanitizer freed memory sits in its quarantine, so the RSS
// says nothing about malloc; the check runs in the normal build only.
TEST_CASE("three reloads of the 62k-entry list leave the RSS where it was" * doctest::skip(kUnderAsan)) {
  SpamgateOptions options;
  options.upstream = "127.0.0.1:9";  // no comment is forwarded here
  options.rules_text = kListRules;
  SpamgateServer server(options);
  REQUIRE_MESSAGE(server.wait_until_listening(), server.log());
  const pid_t pid = server.pid();
  const long before = rss_kib(pid);
  REQUIRE(before > 0);
  for (size_t i = 1; i <= 3; ++i) {
    server.signal(SIGHUP);
    REQUIRE_MESSAGE(eventually([&] { return count(server.log(), "rules reloaded") >= i; }), server.log());
  }
  const long after = rss_kib(pid);
  INFO("RSS before " << before / 1024 << " MiB, after three reloads " << after / 1024 << " MiB");
  CHECK(after <= before + 16 * 1024);
}

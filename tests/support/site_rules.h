// The site a gateway test posts to: the local rules every such test scores
// against and the [checks] that let one address post many forms. Shared by
// the unit tests that drive endpoints, the e2e tests and the benches; text
// only, test-only.
#pragma once

namespace spamgate::testing {

// TEST_SPAM: "spamword" in a body scores 20 (rejected); TEST_HOLD:
// "holdword" scores 6 (held); TEST_BOT: a name holding "spambot" scores 20
// (registration forms have no body). Each has a description.
inline constexpr const char* kTestRules = R"(body     TEST_SPAM  /\bspamword\b/i
score    TEST_SPAM  20
describe TEST_SPAM  The test's spam word
body     TEST_HOLD  /\bholdword\b/i
score    TEST_HOLD  6
describe TEST_HOLD  The test's hold word
author   TEST_BOT   /\bspambot\b/i
score    TEST_BOT   20
describe TEST_BOT   The test's spam name (registration forms have no body)
)";

// [checks] without the rate limit and the duplicate window, for tests that
// post many forms from one address. Ends with a blank line, so more TOML
// sections may follow it.
inline constexpr const char* kRelaxedChecks = R"(
[checks]
rate_per_minute = 1000000
rate_burst = 1000000
duplicate_window_seconds = 0

)";

}  // namespace spamgate::testing

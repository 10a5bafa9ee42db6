// What spamgate keeps and for how long ([review] keep_per_client_hour and
// keep_total_mb, [mail] keep_sent_days): defaults, values read, and a bad
// value reported as file:line: message.
#include <doctest/doctest.h>

#include <string>

#include "config/config.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

TEST_CASE("retention and review budget settings: defaults, values, and file:line errors") {
  const Config defaults;
  CHECK(defaults.review.keep_per_client_hour == 20);
  CHECK(defaults.review.keep_total_mb == 256);
  CHECK(defaults.mail.keep_sent_days == 30);
  auto shipped = load_config(SPAMGATE_SOURCE_DIR "/spamgate.toml");
  REQUIRE_MESSAGE(shipped.ok(), shipped.error());
  CHECK(shipped->review.keep_per_client_hour == defaults.review.keep_per_client_hour);
  CHECK(shipped->review.keep_total_mb == defaults.review.keep_total_mb);
  CHECK(shipped->mail.keep_sent_days == defaults.mail.keep_sent_days);

  const TempDir dir("spamgate-config");
  auto path = dir.write("spamgate.toml", R"(
[review]
keep_per_client_hour = 0
keep_total_mb = 64
[mail]
keep_sent_days = 7
)");
  auto loaded = load_config(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  CHECK(loaded->review.keep_per_client_hour == 0);  // no per-client limit
  CHECK(loaded->review.keep_total_mb == 64);
  CHECK(loaded->mail.keep_sent_days == 7);

  path = dir.write("spamgate.toml", R"(
[review]
keep_per_client_hour = -1
keep_total_mb = 0
[mail]
keep_sent_days = "a month"
)");
  auto bad = load_config(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find(path + ":3: review.keep_per_client_hour: must be between 0 and 1000000") != std::string::npos);
  CHECK(bad.error().find(path + ":4: review.keep_total_mb: must be between 1 and 1048576") != std::string::npos);
  CHECK(bad.error().find(path + ":6: mail.keep_sent_days:") != std::string::npos);
}

// serve's start-up without the FastCGI server: build_services refuses a
// config it cannot serve, registers each module's metrics, and the job
// table's rule file watch, run by the JobRunner, reloads a changed rule
// file (Japanese rules too). A real store in a temp dir; no mail, no Redis.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "app/background_jobs.h"
#include "app/services.h"
#include "support/temp_dir.h"

using namespace spamgate;
using namespace std::chrono_literals;

namespace {

Config config_in(const testing::TempDir& dir, const std::string& rule_file) {
  Config config;
  config.upstream.document_root = dir.path();
  config.store.path = (dir / "spamgate.db");
  config.rules.files = {rule_file};
  config.rules.reload_check_seconds = 1;
  return config;
}

}  // namespace

TEST_CASE("services: without [upstream] document_root serve refuses to build anything") {
  testing::TempDir dir;
  Config config = config_in(dir, dir.write("site.rules", "body A /a/\nscore A 1\n"));
  config.upstream.document_root.clear();
  Services services;
  const Status built = build_services(config, services);
  REQUIRE_FALSE(built.ok());
  CHECK(built.error().find("[upstream] document_root is not set") != std::string::npos);
  CHECK(services.log == nullptr);
}

TEST_CASE("services: built once with the store's metrics; the rule file watch reloads a changed Japanese rule") {
  testing::TempDir dir;
  const std::string rules = dir.write("site.rules", "body CHEAP /cheap/i\nscore CHEAP 5\n");
  const Config config = config_in(dir, rules);
  Services services;
  REQUIRE(build_services(config, services).ok());
  const std::string before = services.metrics.render();
  CHECK(before.find("spamgate_review_texts_not_kept_total 0") != std::string::npos);
  CHECK(before.find("spamgate_log_rows_dropped_total 0") != std::string::npos);
  CHECK(before.find("spamgate_mail_") == std::string::npos);    // [mail] is off
  CHECK(before.find("spamgate_shared_") == std::string::npos);  // no [shared] redis
  CHECK(before.find("spamgate_rule_reloads_total{result=\"ok\"} 0") != std::string::npos);

  add_background_jobs(config, services);
  REQUIRE(services.jobs.start().ok());
  std::this_thread::sleep_for(1100ms);  // a new modification time, whatever the file system's granularity
  dir.write("site.rules", "body GEKIYASU /激安/\nscore GEKIYASU 5\ndescribe GEKIYASU 激安の宣伝\n");
  bool reloaded = false;
  for (int i = 0; i < 100 && !reloaded; ++i) {
    std::this_thread::sleep_for(50ms);
    reloaded = services.metrics.render().find("spamgate_rule_reloads_total{result=\"ok\"} 1") != std::string::npos;
  }
  CHECK(reloaded);
  services.jobs.stop();
  CHECK(services.rules->current()->find("GEKIYASU") != nullptr);
  CHECK(services.rules->current()->find("CHEAP") == nullptr);
}

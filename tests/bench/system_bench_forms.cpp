// Section 8 (issue 22): form plugins' requests. A Contact Form 7 message
// (multipart, to CF7's REST path) rejected, against the bare libfcgi
// responder; and a POST no route recognises (as every POST to WordPress's
// index.php now goes through spamgate) passed through to PHP-FPM, against
// nginx -> PHP-FPM directly.
#include <fstream>

#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {

const std::string kCf7Reject = "spamgate, CF7 REST multipart spam, 16 threads";
const std::string kCf7Floor = "libfcgi floor, 16 threads (CF7 path)";
const std::string kOtherPostDirect = "nginx -> PHP-FPM, a non-form POST to index.php";
const std::string kOtherPostVia = "nginx -> spamgate (unscored) -> PHP-FPM, same POST";

namespace {

const std::string kCf7Path = "/wp-json/contact-form-7/v1/contact-forms/42/feedback";

// The spam comment bodies as the default CF7 form's fields (one per line).
std::string write_cf7_bodies(const BenchContext& c) {
  std::ifstream in(c.bodies.spam);
  const std::string path = c.work + "/cf7-spam.txt";
  std::ofstream out(path);
  const std::string hidden = "_wpcf7=42&_wpcf7_version=5.7.7&_wpcf7_locale=ja&_wpcf7_unit_tag=wpcf7-f42-p7-o1"
                             "&_wpcf7_container_post=7&your-subject=Hello&";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("comment=", 0) != 0) continue;
    const size_t tail = line.find("&url=");
    const size_t honeypot = line.find("&sg_website=");  // bots fill every field, the hidden one too
    out << hidden << "your-message=" << line.substr(8, tail == std::string::npos ? std::string::npos : tail - 8)
        << (honeypot == std::string::npos ? "" : line.substr(honeypot)) << "\n";
  }
  return path;
}

}  // namespace

void measure_forms(BenchContext& c) {
  harness::PhpFpm fpm(bench_fpm_options());
  FcgiFloor floor(16);
  BenchSpamgate spamgate({fpm.address(), 16, "", "", kRelaxedChecks});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  require(floor.wait_until_listening(), "fcgi_floor did not start");
  require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
  const std::string script =
      "  fastcgi_param SCRIPT_FILENAME " SPAMGATE_SOURCE_DIR "/tests/bench/comment_ok.php;\n";
  harness::Nginx nginx(bench_nginx(harness::fastcgi_location("= /floor" + kCf7Path, floor.address()) +
                                   harness::fastcgi_location("= " + kCf7Path, spamgate.address()) +
                                   harness::fastcgi_location("= /index.php", spamgate.address(), script) +
                                   harness::fastcgi_location("= /direct/index.php", fpm.address(), script)));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  const std::string base = nginx.url("");
  const std::string cf7 = write_cf7_bodies(c);

  WrkFigures floor_run, rejected;
  for (int round = 0; round < 2; ++round) {
    floor_run = better(floor_run, load(c, base, "/floor" + kCf7Path, cf7, 32, floor.pid(), true));
    rejected = better(rejected, load(c, base, kCf7Path, cf7, 32, spamgate.pid(), true));
  }
  c.report.add({"forms", kCf7Floor, 32, floor_run});
  c.report.add({"forms", kCf7Reject, 32, rejected, ratio(rejected, floor_run, "floor"),
                rejected.ok ? std::to_string(rejected.non_2xx_3xx) + " non-2xx (CF7 answers spam with 200)" : ""});

  for (int conns : {1, 32}) {
    WrkFigures direct, via;
    for (int round = 0; round < 2; ++round) {
      direct = better(direct, load(c, base, "/direct/index.php", c.bodies.ham, conns));
      via = better(via, load(c, base, "/index.php", c.bodies.ham, conns, spamgate.pid()));
    }
    c.report.add({"forms", kOtherPostDirect, conns, direct});
    c.report.add({"forms", kOtherPostVia, conns, via, ratio(via, direct, "direct"),
                  direct.ok && via.ok ? "p50 " + signed_ms(via.p50_ms - direct.p50_ms, 3) : ""});
  }
}

}  // namespace bench

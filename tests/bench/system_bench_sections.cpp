// Sections 1-3: reject throughput, pass-through to PHP-FPM, WordPress itself.
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "harness/http_client.h"
#include "harness/mariadb.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/proc_stats.h"
#include "harness/wordpress.h"
#include "system_bench_data.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {

const std::string kSpamgateReject = "spamgate, default.rules, 16 threads";
const std::string kSpamgateTrainedReject = "spamgate, default.rules + trained LEARNED";
const std::string kFloorReject = "libfcgi floor, 16 threads";
const std::string kHamDirect = "nginx -> PHP-FPM (4 children)";
const std::string kHamPooled = "nginx -> spamgate (upstream pool 2) -> PHP-FPM";
const std::string kHamFresh = "nginx -> spamgate (no upstream reuse) -> PHP-FPM";
const std::string kHamDirectUnix = "nginx -> PHP-FPM on a unix socket";
const std::string kHamPooledUnix = "nginx -> spamgate (pool 2) -> PHP-FPM, unix socket";

namespace {
const std::string kScriptParam =
    "  fastcgi_param SCRIPT_FILENAME " SPAMGATE_SOURCE_DIR "/tests/bench/comment_ok.php;\n";

// The small PHP script behind nginx twice: /wp-comments-post.php through
// spamgate, /direct/wp-comments-post.php straight to PHP-FPM.
harness::NginxOptions ham_nginx(const std::string& spamgate_address, const std::string& fpm_address) {
  return bench_nginx(harness::fastcgi_location("= /wp-comments-post.php", spamgate_address, kScriptParam) +
                     harness::fastcgi_location("= /direct/wp-comments-post.php", fpm_address, kScriptParam));
}

// The spamgate rows' share of 403 answers, as a note.
std::string share_403(const WrkFigures& f) {
  if (!f.ok || f.requests == 0) return "";
  return fixed(100.0 * f.non_2xx_3xx / f.requests, 1) + "% non-2xx (403)";
}

// spamgate_log_rows_dropped_total from /spamgate/metrics (-1 when unknown).
double rows_dropped(const harness::Nginx& nginx) {
  const harness::HttpResponse response = harness::http_get(nginx.url("/spamgate/metrics"));
  std::istringstream in(response.body);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("spamgate_log_rows_dropped_total ", 0) == 0) return std::stod(line.substr(line.find(' ') + 1));
  return -1;
}

}  // namespace

void run_section(const std::string& name, BenchContext& context, const Section& section) {
  std::cout << "-- " << name << "\n";
  try {
    section(context);
  } catch (const std::exception& e) {
    std::cout << "section " << name << " failed: " << e.what() << "\n";
    context.report.add_note("section " + name + " failed: " + e.what());
  }
}

void measure_reject(BenchContext& c) {
  harness::PhpFpm fpm(bench_fpm_options());  // spamgate's upstream; spam never reaches it
  FcgiFloor floor(16);
  FcgiFloor tuned_floor(16, true);  // with spamgate's socket handling: where the gain is not spamgate's own
  BenchSpamgate spamgate({fpm.address(), 16});
  // Storage: the same load with the verdict log written 25 times less often
  // (there is no switch that turns the SQLite log off).
  BenchSpamgate batched({fpm.address(), 16, "", "flush_interval_ms = 5000\n"});
  // LEARNED at work: the store taught the five videos (1,956 labelled
  // comments) before serve starts, so that every request is also scored,
  // and explained, by a trained model.
  SpamgateSetup trained_setup(fpm.address(), 16);
  trained_setup.taught_corpora = youtube_corpora();
  BenchSpamgate trained(trained_setup);
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  require(floor.wait_until_listening(), "fcgi_floor did not start");
  require(tuned_floor.wait_until_listening(), "fcgi_floor did not start");
  require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
  require(batched.wait_until_listening(), "spamgate did not start: " + batched.log());
  require(trained.wait_until_listening(), "spamgate did not start: " + trained.log());
  harness::Nginx nginx(bench_nginx("location = /ceiling/wp-comments-post.php { return 403; }\n" +
                                   harness::fastcgi_location("= /floor/wp-comments-post.php", floor.address()) +
                                   harness::fastcgi_location("= /tuned/wp-comments-post.php", tuned_floor.address()) +
                                   harness::fastcgi_location("= /wp-comments-post.php", spamgate.address()) +
                                   harness::fastcgi_location("/spamgate/", spamgate.address())));
  harness::Nginx nginx_batched(bench_nginx(harness::fastcgi_location("= /wp-comments-post.php", batched.address())));
  harness::Nginx nginx_trained(bench_nginx(harness::fastcgi_location("= /wp-comments-post.php", trained.address())));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  require(nginx_batched.wait_until_listening(), "nginx did not start: " + nginx_batched.error_log());
  require(nginx_trained.wait_until_listening(), "nginx did not start: " + nginx_trained.error_log());
  const std::string base = nginx.url("");
  const std::string probe = probe_status(base + "/wp-comments-post.php", c.bodies.spam);

  WrkFigures batched_run, tuned_run, trained_run;
  for (int conns : {8, 32, 128}) {
    // The targets' figures (32 connections): best of two alternating rounds.
    WrkFigures ceiling, floor_run, sg;
    for (int round = 0; round < (conns == 32 ? 2 : 1); ++round) {
      ceiling = better(ceiling, load(c, base, "/ceiling/wp-comments-post.php", c.bodies.spam, conns));
      floor_run = better(floor_run, load(c, base, "/floor/wp-comments-post.php", c.bodies.spam, conns, floor.pid()));
      if (conns == 32)
        tuned_run = better(tuned_run, load(c, base, "/tuned/wp-comments-post.php", c.bodies.spam, conns,
                                           tuned_floor.pid()));
      sg = better(sg, load(c, base, "/wp-comments-post.php", c.bodies.spam, conns, spamgate.pid()));
      if (conns == 32) {
        batched_run = better(batched_run, load(c, nginx_batched.url(""), "/wp-comments-post.php", c.bodies.spam,
                                               conns, batched.pid()));
        trained_run = better(trained_run, load(c, nginx_trained.url(""), "/wp-comments-post.php", c.bodies.spam,
                                               conns, trained.pid()));
      }
    }
    c.report.add({"reject", "nginx return 403 (ceiling)", conns, ceiling});
    c.report.add({"reject", kFloorReject, conns, floor_run, ratio(floor_run, ceiling, "ceiling")});
    if (conns == 32)
      c.report.add({"reject", "libfcgi floor + spamgate's socket handling", conns, tuned_run,
                    ratio(tuned_run, floor_run, "floor"), "TCP_DEFER_ACCEPT, plain close once the input is read"});
    c.report.add({"reject", kSpamgateReject, conns, sg, ratio(sg, floor_run, "floor"),
                  share_403(sg) + (conns == 8 ? "; probe: " + probe : "")});
    if (conns == 32)
      c.report.add({"reject", kSpamgateTrainedReject, conns, trained_run, ratio(trained_run, floor_run, "floor"),
                    share_403(trained_run)});
  }
  c.rows_dropped = rows_dropped(nginx);
  c.rss_default_mib = harness::peak_rss_kib(spamgate.pid()) / 1024.0;
  c.report.add_extra("reject_log_rows_dropped", c.rows_dropped);
  c.report.add_extra("default_rules_peak_rss_mib", c.rss_default_mib);
  const Row* sg32 = c.report.find("reject", kSpamgateReject, 32);
  c.report.add({"reject", "spamgate, log flushed every 5 s", 32, batched_run,
                sg32 ? ratio(sg32->figures, batched_run, "this (default/5s)") : "",
                "default flush is 200 ms; rows dropped at default: " + fixed(c.rows_dropped, 0)});
}

namespace {

void measure_pass_through_unix(BenchContext& c) {
  // The same at 32 connections with PHP-FPM on a unix socket, as Debian's
  // pool and deploy/ have it (the rows above use 127.0.0.1).
  harness::PhpFpmOptions options = bench_fpm_options();
  options.unix_socket = true;
  harness::PhpFpm fpm(options);
  BenchSpamgate pooled({fpm.address(), 16, "", "", kRelaxedChecks, "keepalive_connections = 2\n"});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  require(pooled.wait_until_listening(), "spamgate did not start: " + pooled.log());
  harness::Nginx nginx(ham_nginx(pooled.address(), fpm.address()));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  const std::string base = nginx.url("");
  WrkFigures direct, via;
  for (int round = 0; round < 2; ++round) {
    direct = better(direct, load(c, base, "/direct/wp-comments-post.php", c.bodies.ham, 32));
    via = better(via, load(c, base, "/wp-comments-post.php", c.bodies.ham, 32, pooled.pid()));
  }
  c.report.add({"pass-through", kHamDirectUnix, 32, direct});
  c.report.add({"pass-through", kHamPooledUnix, 32, via, ratio(via, direct, "direct"),
                direct.ok && via.ok ? "p50 " + signed_ms(via.p50_ms - direct.p50_ms, 3) : ""});
}

}  // namespace

void measure_pass_through(BenchContext& c) {
  harness::PhpFpm fpm(bench_fpm_options());
  // A pool of two kept connections to PHP-FPM (at most half its 4 workers
  // idle-pinned, each closed after 2 s idle), and no reuse at all.
  BenchSpamgate pooled({fpm.address(), 16, "", "", kRelaxedChecks, "keepalive_connections = 2\n"});
  BenchSpamgate fresh({fpm.address(), 16, "", "", kRelaxedChecks, "keepalive_connections = 0\n"});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  require(pooled.wait_until_listening(), "spamgate did not start: " + pooled.log());
  require(fresh.wait_until_listening(), "spamgate did not start: " + fresh.log());
  harness::Nginx nginx(ham_nginx(pooled.address(), fpm.address()));
  harness::Nginx nginx_fresh(bench_nginx(harness::fastcgi_location("= /wp-comments-post.php", fresh.address(), kScriptParam)));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  require(nginx_fresh.wait_until_listening(), "nginx did not start: " + nginx_fresh.error_log());
  const std::string base = nginx.url("");
  const std::string probe = probe_status(base + "/wp-comments-post.php", c.bodies.ham);
  for (int conns : {1, 8, 32}) {
    // The targets' figures (1 and 32 connections): best of two alternating rounds.
    WrkFigures direct, via, via_fresh;
    for (int round = 0; round < (conns == 8 ? 1 : 2); ++round) {
      direct = better(direct, load(c, base, "/direct/wp-comments-post.php", c.bodies.ham, conns));
      via = better(via, load(c, base, "/wp-comments-post.php", c.bodies.ham, conns, pooled.pid()));
      if (conns != 8)
        via_fresh = better(via_fresh, load(c, nginx_fresh.url(""), "/wp-comments-post.php", c.bodies.ham, conns,
                                           fresh.pid()));
    }
    c.report.add({"pass-through", kHamDirect, conns, direct});
    std::string note = direct.ok && via.ok ? "p50 " + signed_ms(via.p50_ms - direct.p50_ms, 3) : "";
    if (via.ok && via.non_2xx_3xx) note += "; non-2xx: " + std::to_string(via.non_2xx_3xx);
    if (conns == 1) note += "; probe: " + probe;
    c.report.add({"pass-through", kHamPooled, conns, via, ratio(via, direct, "direct"), note});
    if (conns != 8)
      c.report.add({"pass-through", kHamFresh, conns, via_fresh, ratio(via_fresh, direct, "direct"),
                    direct.ok && via_fresh.ok ? "p50 " + signed_ms(via_fresh.p50_ms - direct.p50_ms, 3) : ""});
  }
  measure_pass_through_unix(c);
}

void measure_fpm_pinning(BenchContext& c) {
  // A comment burst through spamgate with upstream keepalive_connections =
  // 16 (the default before this benchmark) against a pool of 4 workers, then
  // the site's own PHP page straight from nginx: each idle kept connection
  // pins a worker.
  harness::PhpFpm fpm(bench_fpm_options());
  BenchSpamgate spamgate({fpm.address(), 16, "", "", kRelaxedChecks, "keepalive_connections = 16\n"});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
  harness::Nginx nginx(ham_nginx(spamgate.address(), fpm.address()));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  const std::string base = nginx.url("");
  WrkLoad burst_load{base, "/wp-comments-post.php", c.bodies.ham, 8, 2};
  const WrkFigures burst = run_wrk(burst_load, c.work + "/wrk-burst.log");
  c.report.add({"fpm-pinning", "comment burst, spamgate upstream keepalive 16 (old default)", 8, burst});
  WrkLoad page{base, "/direct/wp-comments-post.php", c.bodies.ham, 8, 3, false, false, "2s"};
  const WrkFigures after = run_wrk(page, c.work + "/wrk-pinned.log");
  c.report.add({"fpm-pinning", "then site PHP page, nginx -> PHP-FPM (4 children)", 8, after, "",
                "pages starve while spamgate holds >= pm.max_children idle connections"});
}

void measure_wordpress(BenchContext& c) {
  harness::TempDir dir("spamgate-bench-wp");
  const std::string sendmail = dir / "sendmail";
  harness::write_file(sendmail, "#!/bin/sh\n# Swallows WordPress's notification mail in the benchmark.\ncat >/dev/null\n");
  harness::run("chmod +x '" + sendmail + "'");
  harness::MariaDb db;
  require(db.wait_until_ready(), "MariaDB did not start: " + db.error_log());
  std::string error;
  require(db.create_database("wordpress", "wordpress", "wordpress-test-password", &error), error);
  harness::PhpFpmOptions fpm_options = bench_fpm_options();
  fpm_options.ini = {{"sendmail_path", sendmail}};
  harness::PhpFpm fpm(fpm_options);
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  const std::string docroot = dir / "docroot";
  const std::string params = "  include fastcgi_params;\n  fastcgi_param HTTP_HOST $host:$server_port;\n";
  harness::Nginx nginx(bench_nginx("root " + docroot + ";\nindex index.php;\n"
                                   "location / { try_files $uri $uri/ /index.php?$args; }\n"
                                   "location ~ \\.php$ {\n" + params +
                                   "  fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n"
                                   "  fastcgi_pass " + fpm.address() + ";\n}\n"));
  require(nginx.wait_until_listening(), "nginx did not start: " + nginx.error_log());
  harness::WordPressOptions wp_options;
  wp_options.docroot = docroot;
  wp_options.site_url = nginx.url("");
  wp_options.db_socket = db.socket_path();
  wp_options.plugin_dir = "";  // WordPress alone, as without spamgate
  // Every comment comes from 127.0.0.1: WordPress's flood check would refuse all but the first.
  wp_options.mu_plugins = {{"bench-no-flood.php", "add_filter( 'wp_is_comment_flood', '__return_false', 99 );"}};
  wp_options.php_ini = {{"sendmail_path", sendmail}};
  harness::WordPress wp(wp_options);
  std::string output;
  require(wp.install(&output), "WordPress install failed: " + output);
  const BodyFiles bodies = wp.post_id() == 1 ? c.bodies : write_body_files(c.work + "/wp", wp.post_id());
  const std::string probe = probe_status(nginx.url("/wp-comments-post.php"), bodies.spam);
  WrkLoad wp_load{nginx.url(""), "/wp-comments-post.php", bodies.spam, 8, c.seconds, false, false, "10s"};
  const WrkFigures figures = run_wrk(wp_load, c.work + "/wrk-wordpress.log");
  const Row* sg = c.report.find("reject", kSpamgateReject, 8);
  c.report.add({"wordpress", "nginx -> PHP-FPM -> wp-comments-post.php", 8, figures,
                sg ? ratio(figures, sg->figures, "spamgate") : "",
                "probe: " + probe + "; comments stored: " + wp.php("echo wp_count_comments()->total_comments;")});

  // Ham to WordPress itself, directly and through spamgate (best of two alternating rounds).
  SpamgateSetup to_wordpress{fpm.address(), 16, "", "", kRelaxedChecks};
  to_wordpress.document_root = docroot;
  BenchSpamgate spamgate(to_wordpress);
  require(spamgate.wait_until_listening(), "spamgate did not start: " + spamgate.log());
  harness::Nginx via_nginx(bench_nginx(harness::fastcgi_location(
      "= /wp-comments-post.php", spamgate.address(),
      "  fastcgi_param HTTP_HOST $host:$server_port;\n  fastcgi_param SCRIPT_FILENAME " + docroot +
          "/wp-comments-post.php;\n")));
  require(via_nginx.wait_until_listening(), "nginx did not start: " + via_nginx.error_log());
  const std::string via_probe = probe_status(via_nginx.url("/wp-comments-post.php"), bodies.ham);
  WrkFigures direct, via;
  for (int round = 0; round < 2; ++round) {
    WrkLoad direct_load{nginx.url(""), "/wp-comments-post.php", bodies.ham, 8, c.seconds, false, false, "10s"};
    direct = better(direct, run_wrk(direct_load, c.work + "/wrk-wp-ham-" + std::to_string(round) + ".log"));
    WrkLoad via_load{via_nginx.url(""), "/wp-comments-post.php", bodies.ham, 8, c.seconds, false, false, "10s"};
    via = better(via, run_wrk(via_load, c.work + "/wrk-wp-ham-via-" + std::to_string(round) + ".log"));
  }
  c.report.add({"wordpress", "ham: nginx -> PHP-FPM -> WordPress", 8, direct});
  c.report.add({"wordpress", "ham: nginx -> spamgate -> PHP-FPM -> WordPress", 8, via, ratio(via, direct, "direct"),
                (direct.ok && via.ok ? "p50 " + signed_ms(via.p50_ms - direct.p50_ms, 2) + "; " : "") +
                    "probe: " + via_probe});
}

}  // namespace bench

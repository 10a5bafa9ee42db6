// scripts/bench's driver: starts each stack on 127.0.0.1 (nginx, the
// FastCGI floor, spamgate, PHP-FPM, MariaDB + WordPress), loads it with wrk
// and prints one table with ratios and the targets; writes the figures as
// JSON. Usage: system_bench OUT_DIR [--seconds N] [--scorer PATH] [--only SECTION]

// A sanitizer report in spamgate's output aborts through doctest (harness).
#define DOCTEST_CONFIG_IMPLEMENT  // the harness reports through doctest; no test runner here
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/utsname.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "harness/process.h"
#include "system_bench_data.h"
#include "system_bench_report.h"
#include "system_bench_sections.h"
#include "system_bench_wrk.h"

using namespace bench;

namespace {

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

void run_scorer(const std::string& path, Report& report) {
  if (path.empty() || !harness::file_exists(path)) {
    std::cout << "\nscorer micro-benchmarks: not built\n";
    report.add_extra("scorer", "not built");
    return;
  }
  std::cout << "\n== scorer micro-benchmarks (" << path << ")\n";
  std::string output;
  if (harness::run("'" + path + "' --benchmark_format=json 2>/dev/null", &output) != 0) {
    std::cout << "scorer micro-benchmarks: failed to run\n";
    report.add_extra("scorer", "failed to run");
    return;
  }
  const nlohmann::json j = nlohmann::json::parse(output.substr(std::min(output.find('{'), output.size())), nullptr, false);
  if (j.is_discarded() || !j.contains("benchmarks")) {
    std::cout << "scorer micro-benchmarks: unreadable output\n";
    report.add_extra("scorer", "unreadable output");
    return;
  }
  for (const auto& b : j["benchmarks"]) {
    std::cout << "  " << b.value("name", "?") << ": " << fixed(b.value("real_time", 0.0), 2) << " "
              << b.value("time_unit", "") << " real";
    for (const char* counter : {"items_per_second", "bytes_per_second"})
      if (b.contains(counter)) std::cout << ", " << counter << " " << fixed(b[counter].get<double>(), 0);
    std::cout << "\n";
  }
  report.add_extra("scorer", j["benchmarks"]);
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "usage: system_bench OUT_DIR [--seconds N] [--scorer PATH] [--only SECTION]\n"
                      "  SECTION: reject, pass-through, fpm-pinning, wordpress, list, keepalive, redis, profile, forms, review (scripts/bench runs all)\n";
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::cout << usage;
    return 0;
  }
  if (argc < 2 || argv[1][0] == '-') {
    std::cerr << usage;
    return 2;
  }
  BenchContext context;
  context.out_dir = argv[1];
  std::string scorer;
  std::string only;  // run one section (see usage)
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) context.seconds = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--scorer") == 0) scorer = argv[i + 1];
    else if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  if (!wrk_available()) {
    std::cerr << "wrk not found (scripts/install-deps installs it)\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  harness::run("mkdir -p '" + context.out_dir + "'");
  harness::TempDir work("spamgate-bench");
  context.work = work.path();
  context.bodies = write_body_files(context.work, 1);

  const std::string start_load = loadavg();
  struct utsname host {};
  uname(&host);
  Report& report = context.report;
  const unsigned cores = std::thread::hardware_concurrency();
  report.add_extra("machine", {{"cores", cores}, {"kernel", std::string(host.release)}, {"load_at_start", start_load}});
  report.add_extra("wrk_seconds", context.seconds);
  report.add_extra("corpus", {{"spam_bodies", context.bodies.spam_rows}, {"ham_bodies", context.bodies.ham_rows}});
  std::cout << "spamgate system benchmarks: " << cores << " cores, load " << loadavg() << ", wrk runs of "
            << context.seconds << " s; " << context.bodies.spam_rows << " spam and " << context.bodies.ham_rows
            << " ham comment bodies from the YouTube Spam Collection\n\n";

  const std::vector<std::pair<std::string, Section>> sections = {{"reject", measure_reject},
                                                                 {"pass-through", measure_pass_through},
                                                                 {"fpm-pinning", measure_fpm_pinning},
                                                                 {"wordpress", measure_wordpress},
                                                                 {"list", measure_list_and_reload},
                                                                 {"keepalive", measure_keepalive},
                                                                 {"redis", measure_redis},
                                                                 {"profile", measure_profile},
                                                                 {"forms", measure_forms},
                                                                 {"review", measure_review_mirror}};
  for (const auto& [name, section] : sections)
    if (only.empty() || only == name) run_section(name, context, section);
  add_targets(context);

  report.add_extra("load_at_end", loadavg());
  report.add_note("cpu us = CPU time (user + system) of the server process (floor or spamgate) per request; "
                  "errors = wrk socket errors and timeouts; best of two alternating rounds at 32 connections "
                  "(reject) and at 1 and 32 (pass-through)");
  report.add_note("load average at start " + start_load + ", at end " + loadavg() + " on " +
                  std::to_string(cores) + " cores; wrk, nginx and the servers share them, and other builds may "
                  "run too: figures are noisy, compare ratios");
  report.print_table();
  run_scorer(scorer, report);
  report.print_targets();
  const std::string json_path = context.out_dir + "/bench-results.json";
  if (report.write_json(json_path)) std::cout << "\nresults: " << json_path << "\n";
  report.write_chart(context.out_dir);
  return 0;
}

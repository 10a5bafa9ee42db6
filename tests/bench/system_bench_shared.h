// scripts/bench: small pieces every section uses (loading a URL with wrk,
// ratios, a probe request, the PHP-FPM pool, relaxed per-IP checks).
#pragma once

#include <sys/types.h>

#include <string>

#include "harness/php_fpm.h"
#include "support/site_rules.h"
#include "system_bench_sections.h"

namespace bench {

// Keeps RATE_IP and DUPLICATE from firing when every request comes from
// 127.0.0.1 with bodies that repeat (real visitors do not).
using spamgate::testing::kRelaxedChecks;

// Throws std::runtime_error(message) when `ok` is false.
void require(bool ok, const std::string& message);
// One wrk run of the context's length; its output goes to a numbered log in
// the work dir. With `server` > 0 also measures that process's CPU time per
// request; `multipart`: the forms go as multipart/form-data.
WrkFigures load(BenchContext& context, const std::string& base_url, const std::string& path,
                const std::string& bodies, int connections, pid_t server = 0, bool multipart = false);
// The run with more requests per second (a failed run loses).
const WrkFigures& better(const WrkFigures& a, const WrkFigures& b);
// "0.85x <name>": a's requests/s over b's ("" when either run failed).
std::string ratio(const WrkFigures& a, const WrkFigures& b, const std::string& name);
// POSTs the first body of `bodies_file` to `url` once; "HTTP <status>" or the error.
std::string probe_status(const std::string& url, const std::string& bodies_file);
// The PHP-FPM pool of every stack: static, 4 children.
harness::PhpFpmOptions bench_fpm_options();

}  // namespace bench

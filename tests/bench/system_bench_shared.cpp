#include "system_bench_shared.h"

#include <fstream>
#include <stdexcept>

#include "harness/http_client.h"

namespace bench {

const std::string kRelaxedChecks =
    "[checks]\nrate_per_minute = 1000000\nrate_burst = 1000000\nduplicate_window_seconds = 0\n";

void require(bool ok, const std::string& message) {
  if (!ok) throw std::runtime_error(message);
}

WrkFigures load(BenchContext& context, const std::string& base_url, const std::string& path,
                const std::string& bodies, int connections, bool count_status, int seconds) {
  static int run = 0;
  WrkLoad wrk_load{base_url, path, bodies, connections, seconds > 0 ? seconds : context.seconds, count_status};
  return run_wrk(wrk_load, context.work + "/wrk-" + std::to_string(++run) + ".log");
}

std::string ratio(const WrkFigures& a, const WrkFigures& b, const std::string& name) {
  if (!a.ok || !b.ok || b.rps <= 0) return "";
  const double r = a.rps / b.rps;
  return fixed(r, r < 0.1 ? 4 : 2) + "x " + name;
}

std::string probe_status(const std::string& url, const std::string& bodies_file) {
  std::ifstream in(bodies_file);
  std::string body;
  std::getline(in, body);
  harness::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {"Content-Type: application/x-www-form-urlencoded"};
  request.body = body + "&author=Probe+Visitor&email=probe%40example.org";
  const harness::HttpResponse response = harness::http(request);
  return response.status ? "HTTP " + std::to_string(response.status) : response.error;
}

harness::PhpFpmOptions bench_fpm_options() {
  harness::PhpFpmOptions options;
  options.pm = "static";
  options.children = 4;
  return options;
}

}  // namespace bench

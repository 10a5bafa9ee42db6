#include "system_bench_shared.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/http_client.h"

namespace bench {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::runtime_error(message);
}

namespace {

// utime + stime of a process in clock ticks (-1 when unknown).
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));  // from field 3 (state) on
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

}  // namespace

WrkFigures load(BenchContext& context, const std::string& base_url, const std::string& path,
                const std::string& bodies, int connections, pid_t server, bool multipart) {
  static int run = 0;
  WrkLoad wrk_load{base_url, path, bodies, connections, context.seconds};
  wrk_load.multipart = multipart;
  const long before = server > 0 ? cpu_ticks(server) : -1;
  WrkFigures figures = run_wrk(wrk_load, context.work + "/wrk-" + std::to_string(++run) + ".log");
  const long after = server > 0 ? cpu_ticks(server) : -1;
  if (before >= 0 && after >= before && figures.requests > 0)
    figures.server_cpu_us = (after - before) * 1e6 / sysconf(_SC_CLK_TCK) / figures.requests;
  return figures;
}

const WrkFigures& better(const WrkFigures& a, const WrkFigures& b) {
  if (!a.ok) return b;
  if (!b.ok) return a;
  return a.rps >= b.rps ? a : b;
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

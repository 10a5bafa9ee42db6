#include "system_bench_wrk.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bench {

WrkRun::WrkRun(const WrkLoad& load, const std::string& log_path) : load_(load), log_path_(log_path) {
  const int threads = std::min(2, load.connections);
  std::vector<std::string> argv = {harness::find_program("wrk"), "-t" + std::to_string(threads),
                                   "-c" + std::to_string(load.connections), "-d" + std::to_string(load.seconds) + "s",
                                   "--latency", "--timeout", load.timeout, "-s",
                                   std::string(SPAMGATE_SOURCE_DIR) + "/tests/bench/post_comments.lua",
                                   load.base_url + load.path};
  std::map<std::string, std::string> env = {{"BENCH_BODIES", load.bodies_file},
                                            {"BENCH_PATH", load.path},
                                            {"BENCH_COUNT_STATUS", load.count_status ? "1" : "0"},
                                            {"BENCH_MULTIPART", load.multipart ? "1" : "0"}};
  process_ = harness::Process(argv, log_path, env);
}

WrkFigures WrkRun::finish() {
  WrkFigures figures;
  if (process_.wait(std::chrono::seconds(load_.seconds + 30)) < 0) {
    process_.stop();
    figures.error = "wrk did not finish";
    return figures;
  }
  const std::string output = harness::read_file_or_empty(log_path_);
  const size_t at = output.find("BENCH_JSON ");
  if (at == std::string::npos) {
    figures.error = "no figures from wrk: " + output.substr(output.size() > 600 ? output.size() - 600 : 0);
    return figures;
  }
  const size_t end = output.find('\n', at);
  const nlohmann::json j = nlohmann::json::parse(output.substr(at + 11, end - at - 11), nullptr, false);
  if (j.is_discarded()) {
    figures.error = "unreadable figures from wrk";
    return figures;
  }
  figures.ok = true;
  figures.requests = j["requests"];
  figures.seconds = j["duration_us"].get<double>() / 1e6;
  figures.rps = figures.seconds > 0 ? figures.requests / figures.seconds : 0;
  figures.p50_ms = j["p50_us"].get<double>() / 1000;
  figures.p90_ms = j["p90_us"].get<double>() / 1000;
  figures.p99_ms = j["p99_us"].get<double>() / 1000;
  figures.max_ms = j["max_us"].get<double>() / 1000;
  figures.socket_errors = j["connect_errors"].get<long>() + j["read_errors"].get<long>() +
                          j["write_errors"].get<long>() + j["timeouts"].get<long>();
  figures.non_2xx_3xx = j["non_2xx_3xx"];
  figures.counted = j["counted"];
  figures.s2xx = j["s2xx"];
  figures.s3xx = j["s3xx"];
  figures.s4xx = j["s4xx"];
  figures.s5xx = j["s5xx"];
  return figures;
}

WrkFigures run_wrk(const WrkLoad& load, const std::string& log_path) { return WrkRun(load, log_path).finish(); }

bool wrk_available() { return !harness::find_program("wrk").empty(); }

}  // namespace bench

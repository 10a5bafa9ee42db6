// Section: the load-independent profile of one request (issue 13): the
// FastCGI floor, spamgate rejecting spam and spamgate passing ham to PHP-FPM,
// each driven straight by fcgi_drive with a fixed number of requests.
// Instructions per request and the top entries come from callgrind (user
// space only: the kernel's share is in the wrk rows' cpu µs), allocations
// per request from the LD_PRELOAD counter (tests/bench/alloc_count.cpp).
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "harness/php_fpm.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {
namespace {

constexpr int kWarmup = 200;      // requests before counting (caches, arenas, first rows)
constexpr int kConnections = 8;   // fcgi_drive's concurrent connections
constexpr size_t kTopEntries = 12;

struct Profiled {
  Profiled(std::string name_, std::string bodies_, int requests_)
      : name(std::move(name_)), bodies(std::move(bodies_)), requests(requests_) {}
  std::string name;
  std::string bodies;     // spam or ham
  int requests = 0;       // counted requests
  double instructions = -1;  // per request; -1 = not measured
  double allocations = -1;   // per request
  std::vector<std::pair<std::string, double>> top;    // function, instructions per request (self)
  std::vector<std::pair<std::string, double>> parts;  // kParts present, instructions per request
};

// The parts of a request the profile sums up, by the function that does
// each (its cost with everything it calls).
const std::pair<const char*, const char*> kParts[] = {
    {"libfcgi accept + params", "FCGX_Accept_r"},
    {"libfcgi finish", "FCGX_Finish_r"},
    {"request params", "spamgate::request_from_environment("},
    {"form decoding", "spamgate::decode_form("},
    {"scoring", "spamgate::Scorer::score("},
    {"verdict row built", "spamgate::make_submission_record("},
    {"log line", "spamgate::RequestLog::write("},
    {"PHP-FPM exchange", "spamgate::FastCgiClient::forward(std::vector<std::pair<std::basic_string_view"},
    {"SQLite writer thread", "spamgate::SubmissionLog::writer_loop("},
};

struct Costs {
  double total = 0;
  std::map<std::string, double> self;       // by function
  std::map<std::string, double> inclusive;  // by function, with its callees
};

// Costs per function in a callgrind file written with --compress-strings=no:
// cost lines count for the current fn=; the one after each calls= line is
// the callee's inclusive cost (the caller's inclusive, not its self).
Costs read_costs(const std::string& path) {
  Costs costs;
  std::ifstream in(path);
  std::string function;
  bool after_call = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("fn=", 0) == 0) {
      function = line.substr(3);
      continue;
    }
    if (line.rfind("calls=", 0) == 0) {
      after_call = true;
      continue;
    }
    if (line.empty() || !(std::isdigit(static_cast<unsigned char>(line[0])) || line[0] == '+' || line[0] == '-' ||
                          line[0] == '*'))
      continue;
    const bool inclusive = after_call;
    after_call = false;
    std::istringstream fields(line);
    std::string position;
    double cost = 0;
    if (!(fields >> position >> cost)) continue;
    costs.inclusive[function] += cost;
    if (inclusive) continue;
    costs.self[function] += cost;
    costs.total += cost;
  }
  return costs;
}

// "spamgate::Gateway::handle(spamgate::HttpRequest&)" → "Gateway::handle";
// templates and long library names shortened to fit one line.
std::string short_name(std::string name) {
  for (const std::string prefix : {"(anonymous namespace)::", "spamgate::"})
    for (size_t at; (at = name.find(prefix)) != std::string::npos;) name.erase(at, prefix.size());
  name = name.substr(0, name.find('('));
  if (name.size() > 70) name = name.substr(0, 67) + "...";
  return name;
}

long allocations_now(pid_t pid, const std::string& count_file) {
  harness::run("rm -f '" + count_file + "'");
  kill(pid, SIGUSR2);
  harness::eventually([&] { return harness::file_exists(count_file); }, std::chrono::seconds(5));
  std::ifstream in(count_file);
  std::string text;
  std::getline(in, text);
  const size_t at = text.find("allocations=");
  return at == std::string::npos ? -1 : std::atol(text.c_str() + at + 12);
}

std::string drive(const std::string& address, const std::string& bodies, int count, const std::string& script) {
  std::string output;
  const std::string command = std::string("'") + FCGI_DRIVE_BINARY + "' " + address + " '" + bodies + "' " +
                              std::to_string(count) + " " + std::to_string(kConnections) +
                              (script.empty() ? "" : " '" + script + "'") + " 2>&1";
  require(harness::run(command, &output) == 0, "fcgi_drive failed: " + output);
  return output;
}

// Profiles one server: once under callgrind, once with the allocation counter.
template <typename Start>
void profile(BenchContext& c, Profiled& p, const std::string& script, Start start) {
  const std::string bodies = p.bodies;
  {  // instructions
    const std::string out = c.work + "/callgrind-" + std::to_string(std::hash<std::string>{}(p.name)) + ".out";
    Launch launch;
    launch.wrapper = {"valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "--dump-instr=no",
                      "--compress-strings=no", "--compress-pos=no"};
    std::string address;
    pid_t pid = 0;
    auto server = start(launch, address, pid);
    drive(address, bodies, kWarmup, script);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    require(harness::run("callgrind_control -z " + std::to_string(pid) + " >/dev/null") == 0, "callgrind_control failed");
    drive(address, bodies, p.requests, script);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the writer's batch lands in the count
    require(harness::run("callgrind_control -d " + std::to_string(pid) + " >/dev/null") == 0, "callgrind_control failed");
    require(harness::eventually([&] { return harness::file_exists(out + ".1"); }, std::chrono::seconds(30)),
            "no callgrind dump for " + p.name);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the dump is written in one go, but let it finish
    const Costs costs = read_costs(out + ".1");
    p.instructions = costs.total / p.requests;
    for (const auto& [part, function] : kParts)
      for (const auto& [name, cost] : costs.inclusive)
        if (name.rfind(function, 0) == 0) {
          p.parts.emplace_back(part, cost / p.requests);
          break;
        }
    std::vector<std::pair<std::string, double>> sorted(costs.self.begin(), costs.self.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t i = 0; i < std::min(kTopEntries, sorted.size()); ++i)
      p.top.emplace_back(short_name(sorted[i].first), sorted[i].second / p.requests);
  }
  {  // allocations
    const std::string count_file = c.work + "/alloc-count.txt";
    Launch launch;
    launch.env = {{"LD_PRELOAD", ALLOC_COUNT_LIBRARY}, {"SPAMGATE_ALLOC_COUNT_FILE", count_file}};
    std::string address;
    pid_t pid = 0;
    auto server = start(launch, address, pid);
    drive(address, bodies, kWarmup, script);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long before = allocations_now(pid, count_file);
    drive(address, bodies, p.requests, script);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long after = allocations_now(pid, count_file);
    if (before >= 0 && after >= before) p.allocations = static_cast<double>(after - before) / p.requests;
  }
}

void print(const Profiled& p) {
  std::cout << "  " << p.name << ": " << fixed(p.instructions, 0) << " instructions and " << fixed(p.allocations, 1)
            << " allocations per request (" << p.requests << " requests)\n";
  std::cout << "    by part (with what each calls):";
  for (const auto& [part, cost] : p.parts) std::cout << " " << part << " " << fixed(cost, 0) << ";";
  std::cout << "\n    top entries by own cost:\n";
  for (const auto& [function, cost] : p.top) std::cout << "    " << fixed(cost, 0) << "  " << function << "\n";
}

nlohmann::json to_json(const Profiled& p) {
  nlohmann::json top = nlohmann::json::array();
  for (const auto& [function, cost] : p.top) top.push_back({{"function", function}, {"instructions", cost}});
  nlohmann::json parts = nlohmann::json::object();
  for (const auto& [part, cost] : p.parts) parts[part] = cost;
  return {{"requests", p.requests}, {"instructions_per_request", p.instructions},
          {"allocations_per_request", p.allocations}, {"parts", parts}, {"top_self", top}};
}

template <typename T>
std::unique_ptr<void, void (*)(void*)> keep(T* server) {
  return {server, [](void* s) { delete static_cast<T*>(s); }};
}

}  // namespace

void measure_profile(BenchContext& c) {
  if (harness::find_program("valgrind").empty() || harness::find_program("callgrind_control").empty()) {
    std::cout << "profile: valgrind not installed (scripts/install-deps installs it)\n";
    c.report.add_note("profile: not measured (valgrind missing)");
    return;
  }
  harness::PhpFpm fpm(bench_fpm_options());
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  const std::string script = SPAMGATE_SOURCE_DIR "/tests/bench/comment_ok.php";

  Profiled floor{"libfcgi floor, 16 threads", c.bodies.spam, 2000};
  Profiled reject{"spamgate rejecting spam, default rules", c.bodies.spam, 2000};
  Profiled ham{"spamgate passing ham to PHP-FPM (upstream pool 2)", c.bodies.ham, 1000};
  profile(c, floor, "", [&](const Launch& launch, std::string& address, pid_t& pid) {
    auto* server = new FcgiFloor(16, false, launch);
    auto kept = keep(server);
    require(server->wait_until_listening(), "fcgi_floor did not start");
    address = server->address();
    pid = server->pid();
    return kept;
  });
  const auto spamgate = [&](SpamgateSetup setup) {
    return [&, setup](const Launch& launch, std::string& address, pid_t& pid) {
      SpamgateSetup with = setup;
      with.launch = launch;
      auto* server = new BenchSpamgate(with);
      auto kept = keep(server);
      require(server->wait_until_listening(), "spamgate did not start: " + server->log());
      address = server->address();
      pid = server->pid();
      return kept;
    };
  };
  profile(c, reject, "", spamgate({fpm.address(), 16}));
  profile(c, ham, script, spamgate({fpm.address(), 16, "", "", kRelaxedChecks, "keepalive_connections = 2\n"}));

  std::cout << "profile per request (callgrind instructions, user space):\n";
  for (const Profiled* p : {&floor, &reject, &ham}) print(*p);
  c.report.add_extra("profile", {{"floor", to_json(floor)}, {"reject", to_json(reject)}, {"ham", to_json(ham)}});
}

}  // namespace bench

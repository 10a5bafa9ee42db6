// Section: what shared state on Redis costs a node (issues 12 and 26): one
// node keeping its state in SQLite, one node with [shared] redis (over TCP,
// and over the unix socket of a Redis on the same machine), and two nodes
// with Redis behind one nginx upstream, side by side, rejecting spam. Spam
// the rules already reject does not wait for Redis ([shared] defer_decided):
// the same node with defer_decided = false shows what waiting costs, and
// ham (which must wait for its answer) is measured on a SQLite and a Redis
// node whose checks let every post from 127.0.0.1 pass (kRelaxedChecks:
// RATE_IP and DUPLICATE are still asked), so it is forwarded, not held. Each Redis row prints Redis's own count of script calls,
// reads and CPU per request over its runs.
#include <cstdio>
#include <cstring>

#include "harness/redis.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {

const std::string kRedisSqliteNode = "1 node, state in SQLite";
const std::string kRedisNode = "1 node, state in Redis";
const std::string kRedisWaitingNode = "1 node, state in Redis, defer_decided = false";
const std::string kRedisSqliteHam = "ham passed to PHP-FPM, 1 node on SQLite";
const std::string kRedisHam = "ham passed to PHP-FPM, 1 node on Redis (waits)";
const std::string kRedisUnixNode = "1 node, state in Redis over a unix socket";
const std::string kRedisTwoNodes = "2 nodes, state in Redis, one nginx upstream";

namespace {

// Redis's own counters, read with INFO.
class RedisCounters {
 public:
  explicit RedisCounters(harness::Redis& redis) : redis_(redis) {}
  // Script calls (EVALSHA), reads (commands written together in one
  // pipeline are read at once: the real round trips), CPU (user + system) in µs.
  long calls() const { return counter("commandstats", "cmdstat_evalsha:calls="); }
  long reads() const { return counter("stats", "total_reads_processed:"); }
  double cpu_us() const {
    const std::string stats = redis_.cli({"INFO", "cpu"});
    double total = 0;
    for (const char* name : {"used_cpu_sys:", "used_cpu_user:"})
      if (const size_t at = stats.find(name); at != std::string::npos)
        total += std::stod(stats.substr(at + std::strlen(name)));
    return total * 1e6;
  }

 private:
  long counter(const char* section, const std::string& name) const {
    const std::string stats = redis_.cli({"INFO", section});
    const size_t at = stats.find(name);
    return at == std::string::npos ? 0L : std::stol(stats.substr(at + name.size()));
  }
  harness::Redis& redis_;
};

// What Redis did for one row's runs, summed over its rounds.
struct RedisCost {
  long requests = 0, calls = 0, reads = 0;
  double cpu_us = 0;

  std::string text() const {
    if (requests <= 0) return "";
    char out[160];
    std::snprintf(out, sizeof out, "Redis per request (INFO): %.3f script calls, %.3f reads, %.1f us cpu",
                  static_cast<double>(calls) / requests, static_cast<double>(reads) / requests, cpu_us / requests);
    return out;
  }
};

}  // namespace

void measure_redis(BenchContext& c) {
  harness::Redis redis;  // throws when redis-server is missing: the section is reported as failed
  harness::PhpFpm fpm(bench_fpm_options());  // the upstream of ham; spam never reaches it
  const std::string shared = "[shared]\nredis = \"" + redis.url() + "\"\n";
  BenchSpamgate sqlite({fpm.address(), 16});
  BenchSpamgate node({fpm.address(), 16, "", "", shared});
  BenchSpamgate waiting_node({fpm.address(), 16, "", "", shared + "defer_decided = false\n"});
  BenchSpamgate unix_node({fpm.address(), 16, "", "", "[shared]\nredis = \"" + redis.unix_url() + "\"\n"});
  BenchSpamgate node_a({fpm.address(), 16, "", "", shared});
  BenchSpamgate node_b({fpm.address(), 16, "", "", shared});
  // Each ham node has a pool of its own: a pool's child stays bound to a
  // connection the other node keeps alive (2 s after its run), which would
  // stall the next run's first requests for those 2 s.
  harness::PhpFpm sqlite_fpm(bench_fpm_options()), redis_fpm(bench_fpm_options());
  BenchSpamgate sqlite_ham({sqlite_fpm.address(), 16, "", "", kRelaxedChecks});
  BenchSpamgate redis_ham({redis_fpm.address(), 16, "", "", kRelaxedChecks + shared});
  for (harness::PhpFpm* pool : {&fpm, &sqlite_fpm, &redis_fpm})
    require(pool->wait_until_listening(), "PHP-FPM did not start: " + pool->error_log());
  for (BenchSpamgate* s : {&sqlite, &node, &waiting_node, &unix_node, &node_a, &node_b, &sqlite_ham, &redis_ham})
    require(s->wait_until_listening(), "spamgate did not start: " + s->log());
  // One nginx per stack: spamgate answers only at its comment path.
  const std::string path = "/wp-comments-post.php";
  const auto nginx_for = [&path](const std::string& address) {
    return bench_nginx(harness::fastcgi_location("= " + path, address));
  };
  harness::Nginx nginx_sqlite(nginx_for(sqlite.address()));
  harness::Nginx nginx_redis(nginx_for(node.address()));
  harness::Nginx nginx_waiting(nginx_for(waiting_node.address()));
  harness::Nginx nginx_unix(nginx_for(unix_node.address()));
  harness::Nginx nginx_sqlite_ham(nginx_for(sqlite_ham.address()));
  harness::Nginx nginx_redis_ham(nginx_for(redis_ham.address()));
  harness::Nginx nginx_two(bench_nginx(harness::fastcgi_location("= " + path, "shared_nodes"),
                                       "upstream shared_nodes {\n  server " + node_a.address() + ";\n  server " +
                                           node_b.address() + ";\n}\n"));
  for (harness::Nginx* nginx :
       {&nginx_sqlite, &nginx_redis, &nginx_waiting, &nginx_unix, &nginx_two, &nginx_sqlite_ham, &nginx_redis_ham})
    require(nginx->wait_until_listening(), "nginx did not start: " + nginx->error_log());
  const std::string probe = probe_status(nginx_redis.url(path), c.bodies.spam);
  const std::string ham_probe = probe_status(nginx_redis_ham.url(path), c.bodies.ham);

  // 32 connections, best of two alternating rounds (as the reject section);
  // Redis's counters summed over both rounds of a row.
  const RedisCounters counters(redis);
  const auto run = [&](harness::Nginx& nginx, const std::string& bodies, pid_t pid, RedisCost& cost) {
    const long calls = counters.calls(), reads = counters.reads();
    const double cpu = counters.cpu_us();
    const WrkFigures figures = load(c, nginx.url(""), path, bodies, 32, pid);
    cost.requests += figures.requests;
    cost.calls += counters.calls() - calls;
    cost.reads += counters.reads() - reads;
    cost.cpu_us += counters.cpu_us() - cpu;
    return figures;
  };
  RedisCost none, remote_cost, waiting_cost, ham_cost, unix_cost, two_cost;
  WrkFigures local, remote, waiting, local_ham, ham, over_unix, two;
  for (int round = 0; round < 2; ++round) {
    local = better(local, run(nginx_sqlite, c.bodies.spam, sqlite.pid(), none));
    remote = better(remote, run(nginx_redis, c.bodies.spam, node.pid(), remote_cost));
    waiting = better(waiting, run(nginx_waiting, c.bodies.spam, waiting_node.pid(), waiting_cost));
    local_ham = better(local_ham, run(nginx_sqlite_ham, c.bodies.ham, sqlite_ham.pid(), none));
    ham = better(ham, run(nginx_redis_ham, c.bodies.ham, redis_ham.pid(), ham_cost));
    over_unix = better(over_unix, run(nginx_unix, c.bodies.spam, unix_node.pid(), unix_cost));
    two = better(two, run(nginx_two, c.bodies.spam, 0, two_cost));
  }
  const auto p50 = [](const WrkFigures& a, const WrkFigures& reference) {
    return a.ok && reference.ok ? "p50 " + signed_ms(a.p50_ms - reference.p50_ms, 3) + "; " : std::string();
  };
  c.report.add({"redis", kRedisSqliteNode, 32, local});
  c.report.add({"redis", kRedisNode, 32, remote, ratio(remote, local, "SQLite node"),
                p50(remote, local) + remote_cost.text() + "; probe: " + probe});
  c.report.add({"redis", kRedisWaitingNode, 32, waiting, ratio(waiting, local, "SQLite node"),
                p50(waiting, local) + waiting_cost.text()});
  c.report.add({"redis", kRedisSqliteHam, 32, local_ham});
  c.report.add({"redis", kRedisHam, 32, ham, ratio(ham, local_ham, "SQLite ham"),
                p50(ham, local_ham) + ham_cost.text() + "; probe: " + ham_probe});
  c.report.add({"redis", kRedisUnixNode, 32, over_unix, ratio(over_unix, local, "SQLite node"),
                p50(over_unix, local) + unix_cost.text()});
  c.report.add({"redis", kRedisTwoNodes, 32, two, ratio(two, local, "SQLite node"),
                two_cost.text() + "; cpu: both nodes share the machine's cores with nginx, wrk and Redis"});
}

}  // namespace bench

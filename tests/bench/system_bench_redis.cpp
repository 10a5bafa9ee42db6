// Section: what shared state on Redis costs a node rejecting spam (issue 12):
// one node keeping its state in SQLite, one node with [shared] redis (over
// TCP, and over the unix socket of a Redis on the same machine), and two
// nodes with Redis behind one nginx upstream, side by side.
#include <cstdio>
#include <cstring>

#include "harness/redis.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {

const std::string kRedisSqliteNode = "1 node, state in SQLite";
const std::string kRedisNode = "1 node, state in Redis";
const std::string kRedisUnixNode = "1 node, state in Redis over a unix socket";
const std::string kRedisTwoNodes = "2 nodes, state in Redis, one nginx upstream";

void measure_redis(BenchContext& c) {
  harness::Redis redis;  // throws when redis-server is missing: the section is reported as failed
  harness::PhpFpm fpm(bench_fpm_options());  // the upstream; spam never reaches it
  const std::string shared = "[shared]\nredis = \"" + redis.url() + "\"\n";
  BenchSpamgate sqlite({fpm.address(), 16});
  BenchSpamgate node({fpm.address(), 16, "", "", shared});
  BenchSpamgate unix_node({fpm.address(), 16, "", "", "[shared]\nredis = \"" + redis.unix_url() + "\"\n"});
  BenchSpamgate node_a({fpm.address(), 16, "", "", shared});
  BenchSpamgate node_b({fpm.address(), 16, "", "", shared});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  for (BenchSpamgate* s : {&sqlite, &node, &unix_node, &node_a, &node_b})
    require(s->wait_until_listening(), "spamgate did not start: " + s->log());
  // One nginx per stack: spamgate answers only at its comment path.
  const std::string path = "/wp-comments-post.php";
  harness::Nginx nginx_sqlite(bench_nginx(harness::fastcgi_location("= " + path, sqlite.address())));
  harness::Nginx nginx_redis(bench_nginx(harness::fastcgi_location("= " + path, node.address())));
  harness::Nginx nginx_unix(bench_nginx(harness::fastcgi_location("= " + path, unix_node.address())));
  harness::Nginx nginx_two(bench_nginx(harness::fastcgi_location("= " + path, "shared_nodes"),
                                       "upstream shared_nodes {\n  server " + node_a.address() + ";\n  server " +
                                           node_b.address() + ";\n}\n"));
  for (harness::Nginx* nginx : {&nginx_sqlite, &nginx_redis, &nginx_unix, &nginx_two})
    require(nginx->wait_until_listening(), "nginx did not start: " + nginx->error_log());
  const std::string probe = probe_status(nginx_redis.url(path), c.bodies.spam);

  // 32 connections, best of two alternating rounds (as the reject section).
  // Redis's own count of script calls, over every request sent to a Redis node.
  // and of the reads it made (commands written together in one pipeline
  // are read at once): the real round trips.
  const auto redis_counter = [&redis](const char* section, const std::string& name) {
    const std::string stats = redis.cli({"INFO", section});
    const size_t at = stats.find(name);
    return at == std::string::npos ? 0L : std::stol(stats.substr(at + name.size()));
  };
  const auto evalsha_calls = [&] { return redis_counter("commandstats", "cmdstat_evalsha:calls="); };
  const auto reads = [&] { return redis_counter("stats", "total_reads_processed:"); };
  // Redis's own CPU time (user + system), in µs.
  const auto redis_cpu_us = [&redis] {
    const std::string stats = redis.cli({"INFO", "cpu"});
    double total = 0;
    for (const char* name : {"used_cpu_sys:", "used_cpu_user:"})
      if (const size_t at = stats.find(name); at != std::string::npos)
        total += std::stod(stats.substr(at + std::strlen(name)));
    return total * 1e6;
  };
  const long evalsha_before = evalsha_calls();
  const long reads_before = reads();
  const double redis_cpu_before = redis_cpu_us();
  long redis_requests = 0;
  WrkFigures local, remote, over_unix, two;
  for (int round = 0; round < 2; ++round) {
    local = better(local, load(c, nginx_sqlite.url(""), path, c.bodies.spam, 32, sqlite.pid()));
    const WrkFigures one_node = load(c, nginx_redis.url(""), path, c.bodies.spam, 32, node.pid());
    const WrkFigures unix_socket = load(c, nginx_unix.url(""), path, c.bodies.spam, 32, unix_node.pid());
    const WrkFigures two_nodes = load(c, nginx_two.url(""), path, c.bodies.spam, 32);
    redis_requests += one_node.requests + unix_socket.requests + two_nodes.requests;
    remote = better(remote, one_node);
    over_unix = better(over_unix, unix_socket);
    two = better(two, two_nodes);
  }
  const double evalsha_per_request =
      redis_requests > 0 ? static_cast<double>(evalsha_calls() - evalsha_before) / redis_requests : -1;
  const double reads_per_request = redis_requests > 0 ? static_cast<double>(reads() - reads_before) / redis_requests : -1;
  const double redis_cpu_per_request = redis_requests > 0 ? (redis_cpu_us() - redis_cpu_before) / redis_requests : -1;
  c.report.add({"redis", kRedisSqliteNode, 32, local});
  const std::string p50 = local.ok && remote.ok ? "p50 " + signed_ms(remote.p50_ms - local.p50_ms, 3) : "";
  char calls[200];
  std::snprintf(calls, sizeof calls,
                "; Redis script calls per request (INFO commandstats): %.3f, reads per request: %.3f, Redis cpu "
                "per request: %.1f us",
                evalsha_per_request, reads_per_request, redis_cpu_per_request);
  c.report.add({"redis", kRedisNode, 32, remote, ratio(remote, local, "SQLite node"), p50 + calls + "; probe: " + probe});
  const std::string unix_p50 =
      local.ok && over_unix.ok ? "p50 " + signed_ms(over_unix.p50_ms - local.p50_ms, 3) : "";
  c.report.add({"redis", kRedisUnixNode, 32, over_unix, ratio(over_unix, local, "SQLite node"), unix_p50});
  c.report.add({"redis", kRedisTwoNodes, 32, two, ratio(two, local, "SQLite node"),
                "cpu: both nodes share the machine's cores with nginx, wrk and Redis"});
}

}  // namespace bench

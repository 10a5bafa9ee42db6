// Section: what shared state on Redis costs a node rejecting spam (issue 12):
// one node keeping its state in SQLite, one node with [shared] redis, and
// two nodes with Redis behind one nginx upstream, side by side.
#include <cstdio>

#include "harness/redis.h"
#include "system_bench_sections.h"
#include "system_bench_shared.h"
#include "system_bench_stacks.h"

namespace bench {

const std::string kRedisSqliteNode = "1 node, state in SQLite";
const std::string kRedisNode = "1 node, state in Redis";
const std::string kRedisTwoNodes = "2 nodes, state in Redis, one nginx upstream";

void measure_redis(BenchContext& c) {
  harness::Redis redis;  // throws when redis-server is missing: the section is reported as failed
  harness::PhpFpm fpm(bench_fpm_options());  // the upstream; spam never reaches it
  const std::string shared = "[shared]\nredis = \"" + redis.url() + "\"\n";
  BenchSpamgate sqlite({fpm.address(), 16});
  BenchSpamgate node({fpm.address(), 16, "", "", shared});
  BenchSpamgate node_a({fpm.address(), 16, "", "", shared});
  BenchSpamgate node_b({fpm.address(), 16, "", "", shared});
  require(fpm.wait_until_listening(), "PHP-FPM did not start: " + fpm.error_log());
  for (BenchSpamgate* s : {&sqlite, &node, &node_a, &node_b})
    require(s->wait_until_listening(), "spamgate did not start: " + s->log());
  // One nginx per stack: spamgate answers only at its comment path.
  const std::string path = "/wp-comments-post.php";
  harness::Nginx nginx_sqlite(bench_nginx(harness::fastcgi_location("= " + path, sqlite.address())));
  harness::Nginx nginx_redis(bench_nginx(harness::fastcgi_location("= " + path, node.address())));
  harness::Nginx nginx_two(bench_nginx(harness::fastcgi_location("= " + path, "shared_nodes"),
                                       "upstream shared_nodes {\n  server " + node_a.address() + ";\n  server " +
                                           node_b.address() + ";\n}\n"));
  for (harness::Nginx* nginx : {&nginx_sqlite, &nginx_redis, &nginx_two})
    require(nginx->wait_until_listening(), "nginx did not start: " + nginx->error_log());
  const std::string probe = probe_status(nginx_redis.url(path), c.bodies.spam);

  // 32 connections, best of two alternating rounds (as the reject section).
  // Redis's own count of script calls, over every request sent to a Redis node.
  const auto evalsha_calls = [&redis] {
    const std::string stats = redis.cli({"INFO", "commandstats"});
    const size_t at = stats.find("cmdstat_evalsha:calls=");
    return at == std::string::npos ? 0L : std::stol(stats.substr(at + 22));
  };
  const long evalsha_before = evalsha_calls();
  long redis_requests = 0;
  WrkFigures local, remote, two;
  for (int round = 0; round < 2; ++round) {
    local = better(local, load(c, nginx_sqlite.url(""), path, c.bodies.spam, 32, sqlite.pid()));
    const WrkFigures one_node = load(c, nginx_redis.url(""), path, c.bodies.spam, 32, node.pid());
    const WrkFigures two_nodes = load(c, nginx_two.url(""), path, c.bodies.spam, 32);
    redis_requests += one_node.requests + two_nodes.requests;
    remote = better(remote, one_node);
    two = better(two, two_nodes);
  }
  const double evalsha_per_request =
      redis_requests > 0 ? static_cast<double>(evalsha_calls() - evalsha_before) / redis_requests : -1;
  c.report.add({"redis", kRedisSqliteNode, 32, local});
  const std::string p50 = local.ok && remote.ok ? "p50 " + signed_ms(remote.p50_ms - local.p50_ms, 3) : "";
  char calls[96];
  std::snprintf(calls, sizeof calls, "; Redis script calls per request (INFO commandstats): %.3f", evalsha_per_request);
  c.report.add({"redis", kRedisNode, 32, remote, ratio(remote, local, "SQLite node"), p50 + calls + "; probe: " + probe});
  c.report.add({"redis", kRedisTwoNodes, 32, two, ratio(two, local, "SQLite node"),
                "cpu: both nodes share the machine's cores with nginx, wrk and Redis"});
}

}  // namespace bench

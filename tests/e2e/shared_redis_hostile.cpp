// What anyone who can write to the shared Redis can do to a node (issue 23,
// item 5), end to end: a real redis-server, a real `spamgate serve` with
// [shared] behind nginx, and the real PHP-FPM echo backend. A hostile
// learning stream entry (`XADD spamgate:learn:stream * op forget data
// '{"id":1}'`, which terminated every node, at every restart, before the
// decoder) and a malformed snapshot are logged, counted and skipped: the
// node keeps scoring comments, applies the good entries after them, and
// starts again without replaying the bad one.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/redis.h"
#include "harness/spamgate_server.h"

using namespace harness;
using nlohmann::json;

namespace {

const std::string kSecret = "hostile-redis-secret-77c1";

struct Node {
  Redis redis;
  PhpFpm fpm;
  SpamgateServer spamgate;
  Nginx nginx;

  Node() : spamgate(options()), nginx(site()) {
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
    REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());
  }

  SpamgateOptions options() const {
    SpamgateOptions o;
    o.upstream = fpm.address();
    o.shared_secret = kSecret;
    o.extra_toml = "[shared]\nredis = \"" + redis.url() + "\"\ntimeout_ms = 50\nnode = \"web1\"\n\n";
    return o;
  }
  NginxOptions site() const {
    NginxOptions o;
    o.server_body = fastcgi_location("/spamgate/", spamgate.address());
    return o;
  }

  std::string metrics() const { return http_get(nginx.url("/spamgate/metrics")).body; }
  double counter(const std::string& name) const { return metric(metrics(), name); }

  // A comment scored through POST /spamgate/check: its verdict, or null.
  json check(const std::string& text) const {
    HttpRequest request;
    request.method = "POST";
    request.url = nginx.url("/spamgate/check");
    request.headers = {"Authorization: Bearer " + kSecret, "Content-Type: application/json"};
    request.body = json{{"kind", "comment"}, {"author", "山田 太郎"}, {"email", "taro@example.jp"},
                        {"body", text}, {"ip", "192.0.2.10"}}.dump();
    const HttpResponse response = http(request);
    const json verdict = json::parse(response.body, nullptr, false);
    return response.status == 200 && verdict.is_object() && verdict.contains("action") ? verdict : json();
  }

  std::string xadd(const std::string& op, const std::string& data) const {
    return redis.cli({"XADD", "spamgate:learn:stream", "*", "op", op, "data", data, "node", "elsewhere"});
  }
};

}  // namespace

TEST_CASE("a hostile learning stream entry is skipped and counted; the node keeps serving and restarts") {
  Node node;
  INFO(node.spamgate.log());
  REQUIRE(!node.check("はじめまして。素敵な記事でした").is_null());

  node.xadd("forget", R"({"id":1})");  // the reproducer from issue 23
  REQUIRE_MESSAGE(eventually([&] { return node.counter("spamgate_learning_events_malformed_total") == 1; }),
                  node.metrics() << node.spamgate.log());
  // A good entry behind the bad one is applied: the position moved past it.
  const double applied = node.counter("spamgate_learning_events_applied_total");
  node.xadd("forget", R"({"id":"c:999"})");
  CHECK(eventually([&] { return node.counter("spamgate_learning_events_applied_total") == applied + 1; }));

  CHECK(node.spamgate.running());
  const json verdict = node.check("ありがとうございます。参考になりました");
  CHECK_MESSAGE(!verdict.is_null(), node.spamgate.log());
  CHECK(node.spamgate.log().find("a malformed learning event was skipped") != std::string::npos);
  CHECK(node.spamgate.log().find("taro@example.jp") == std::string::npos);

  // A snapshot that is not one is ignored (counted once per fault), not
  // fatal. MSET: the leader rebuilds a bad snapshot, so both keys change at once.
  node.redis.cli({"MSET", "spamgate:learn:snapshot_covers", "99999999999999999999999-1", "spamgate:learn:snapshot",
                  R"({"covers":7,"decisions":"none"})"});
  CHECK(eventually([&] { return node.counter("spamgate_learning_snapshots_malformed_total") == 1; }));
  node.redis.cli({"MSET", "spamgate:learn:snapshot_covers", "99999999999999-1", "spamgate:learn:snapshot",
                  R"({"covers":7,"decisions":"none"})"});
  CHECK(eventually([&] { return node.counter("spamgate_learning_snapshots_malformed_total") == 2; }));
  CHECK(node.spamgate.running());

  // A restart starts, serves, and does not replay the bad entry.
  node.spamgate.stop();
  REQUIRE(node.spamgate.restart());
  REQUIRE_MESSAGE(node.spamgate.wait_until_listening(), node.spamgate.log());
  CHECK_MESSAGE(!node.check("再起動のあとのコメントです").is_null(), node.spamgate.log());
  CHECK(node.counter("spamgate_learning_events_malformed_total") == 0);
  CHECK(node.spamgate.running());
}

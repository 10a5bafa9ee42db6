// Several web nodes, one spamgate state (issue 12), end to end: a real
// redis-server on 127.0.0.1, three `spamgate serve` nodes (each with its own
// config, port and SQLite store) behind one nginx `upstream` (round robin)
// for the comment form, the contact form and /spamgate/, and the real
// PHP-FPM echo backend behind them. nginx also gives each node a prefix of
// its own (/web1/..., /web2/...) so the test can speak to one node, and
// never retries a failed request on another node (fastcgi_next_upstream
// off), so a node's failure reaches the client.
//
// What a site owner checks: a bot's flood spread over the nodes is limited
// as one node would limit it; a duplicate on node B after node A is caught;
// the daily mail cap holds for the site (a real SMTP server counts the
// mails); a click on node A changes how node B scores within a second;
// Redis killed under load fails no request, each node says so once, and
// shared state comes back; a node started late catches up from the
// snapshot the stream was trimmed behind; `spamgate status` says up or DOWN;
// one spam marked on node A catches its wave (FUZZY) on node B; the review
// digest comes once for the site with every node's counts, and from each
// node when Redis is gone; what one node blocked is listed, decided and
// rescued (a contact mailed once) through any other, and with Redis gone
// each node lists its own and says the answer is partial.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/echo_stack.h"
#include "harness/http_client.h"
#include "harness/json_probe.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/redis.h"
#include "harness/sanitizer.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "upstream/fastcgi_client.h"

using namespace harness;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "cluster-secret-4b7e19d2";
const std::string kKeyPrefix = "blog-a:";
constexpr int kBurst = 6;

// RATE_IP and DUPLICATE reject on their own, so the client sees them (403);
// so does CASINO_JA, whose comments then need no answer from Redis.
const char* const kRules = R"(score RATE_IP   20
score DUPLICATE 20
body  CASINO_JA /カジノ/
score CASINO_JA 20
)";

struct ClusterOptions {
  int nodes = 3;
  bool mail = false;           // [mail] through a real SMTP server, with `caps`
  std::string caps;            // [mail.caps] lines
  int snapshot_every = 500;
  bool spare_node = false;     // a port and /web<nodes+1>/ for a node the test starts later
};

// Counts the lines of `text` that contain `needle`.
int count_lines(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// The lines of `text` that contain `needle`, for failure messages.
std::string lines_with(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string line, out;
  while (std::getline(lines, line))
    if (line.find(needle) != std::string::npos) out += line + "\n";
  return out;
}

// GET `path` from the FastCGI server at `address` directly (no web server in
// between): the response body, "" on failure.
std::string fastcgi_get(const std::string& address, const std::string& path) {
  spamgate::UpstreamConfig config;
  config.address = address;
  spamgate::FastCgiClient client(config);
  const spamgate::fcgi::Params params = {
      {"REQUEST_METHOD", "GET"}, {"REQUEST_URI", path},        {"DOCUMENT_URI", path},
      {"SCRIPT_NAME", path},     {"QUERY_STRING", ""},         {"CONTENT_LENGTH", "0"},
      {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_PROTOCOL", "HTTP/1.1"}, {"GATEWAY_INTERFACE", "CGI/1.1"}};
  const spamgate::UpstreamResponse response = client.forward(params, "");
  const size_t blank = response.output.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : response.output.substr(blank + 4);
}

struct Cluster {
  ClusterOptions options;
  TempDir dir{"spamgate-shared"};
  Redis redis;
  PhpFpm fpm;
  std::unique_ptr<TestCa> ca;
  std::unique_ptr<SmtpServer> smtp;
  std::vector<std::unique_ptr<SpamgateServer>> nodes;
  int spare_port = 0;
  std::unique_ptr<Nginx> nginx;

  explicit Cluster(ClusterOptions cluster_options = {}) : options(std::move(cluster_options)) {
    if (options.mail) {
      ca = std::make_unique<TestCa>(make_test_ca(dir.path(), "shared"));
      smtp = std::make_unique<SmtpServer>(dir.path(), *ca);
      chmod(smtp->password_file().c_str(), 0600);
    }
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    for (int i = 0; i < options.nodes; ++i) nodes.push_back(std::make_unique<SpamgateServer>(node_options(i)));
    for (auto& node : nodes) REQUIRE_MESSAGE(node->wait_until_listening(), tail(node->log()));
    if (options.spare_node) spare_port = free_port();
    nginx = std::make_unique<Nginx>(site());
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }

  ~Cluster() {
    // Whatever happened, no node wrote the shared secret or the SMTP password.
    for (auto& node : nodes) {
      if (!node) continue;
      node->stop();
      CHECK_MESSAGE(find_secret(node->log(), kSecret).empty(), "a node's log holds the shared secret");
      if (smtp) CHECK_MESSAGE(find_secret(node->log(), smtp->options().password, smtp->options().user).empty(),
                              "a node's log holds the SMTP password");
    }
  }

  static std::string name(int i) { return "web" + std::to_string(i + 1); }

  // Node i's config: the same for all nodes but the name (and its own store,
  // which SpamgateServer keeps in the node's own directory).
  SpamgateOptions node_options(int i, int port = 0) const {
    std::string toml;
    toml += "[checks]\nrate_per_minute = 1\nrate_burst = " + std::to_string(kBurst) +
            "\nduplicate_window_seconds = 3600\n\n";
    toml += "[learning]\nmin_per_class = 3\npoll_seconds = 1\n\n";
    if (options.mail) {
      MailTomlOptions mail;
      mail.caps = options.caps;
      toml += mail_toml(*smtp, ca->ca_cert, mail);
    }
    toml += shared_toml(name(i));
    SpamgateOptions o;
    o.upstream = fpm.address();
    o.rules_text = kRules;
    o.extra_toml = toml;
    o.shared_secret = kSecret;
    o.threads = 4;
    o.port = port;
    return o;
  }

  std::string shared_toml(const std::string& node_name) const {
    // 50 ms, not the default 10: a loaded 2-core test machine must not look
    // like a slow Redis (that is an outage, with its own warning).
    return "[shared]\nredis = \"" + redis.url() + "\"\ntimeout_ms = 50\nnode = \"" + node_name +
           "\"\nkey_prefix = \"" + kKeyPrefix + "\"\nsnapshot_every = " + std::to_string(options.snapshot_every) +
           "\n\n";
  }

  NginxOptions site() const {
    const std::string echo = "  fastcgi_param SCRIPT_FILENAME " + echo_script() + ";\n";
    const std::string no_retry = "  fastcgi_next_upstream off;\n";
    NginxOptions o;
    o.http_extra = "upstream spamgates {\n";
    for (const auto& node : nodes) o.http_extra += "  server " + node->address() + ";\n";
    o.http_extra += "}\n";
    o.server_body = fastcgi_location("= /wp-comments-post.php", "spamgates", echo + no_retry) +
                    fastcgi_location("= /contact", "spamgates", no_retry) +
                    fastcgi_location("/spamgate/", "spamgates", no_retry);
    // /webN/PATH reaches node N alone as PATH.
    auto direct = [&](int i, const std::string& address) {
      const std::string prefix = "/" + name(i);
      o.server_body += fastcgi_location(prefix + "/", address, "  rewrite ^" + prefix + "(/.*)$ $1 break;\n" + echo);
    };
    for (size_t i = 0; i < nodes.size(); ++i) direct(static_cast<int>(i), nodes[i]->address());
    if (spare_port) direct(static_cast<int>(nodes.size()), "127.0.0.1:" + std::to_string(spare_port));
    return o;
  }

  // Round robin over the nodes (nginx's upstream).
  std::string url(const std::string& path) const { return nginx->url(path); }
  // Node i alone.
  std::string node_url(int i, const std::string& path) const { return nginx->url("/" + name(i) + path); }

  // A comment form (the echo backend's) with `text`, from client address `ip`.
  static HttpResponse post_comment(const std::string& url, const std::string& text, const std::string& ip) {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {"Content-Type: application/x-www-form-urlencoded"};
    request.body = form_body(comment_fields(text));
    request.source_address = ip;
    return http(request);
  }

  static HttpResponse api(const std::string& method, const std::string& url, const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = {"Authorization: Bearer " + kSecret};
    if (!body.empty()) request.headers.push_back("Content-Type: application/json");
    request.body = body;
    return http(request);
  }

  json health(int i) const { return parse(http_get(node_url(i, "/spamgate/health")).body); }
  json model(int i) const { return parse(api("GET", node_url(i, "/spamgate/model")).body); }
  std::string metrics(int i) const { return http_get(node_url(i, "/spamgate/metrics")).body; }
  // POST /spamgate/check on node i: the verdict JSON.
  json check(int i, const std::string& text) const {
    const json body = {{"kind", "comment"}, {"author", "Ann Example"}, {"email", "ann@example.org"},
                       {"body", text}, {"ip", "192.0.2.10"}};
    return parse(api("POST", node_url(i, "/spamgate/check"), body.dump()).body);
  }

  // Restarts every node with `toml` appended to its config.
  void restart_all_with(const std::string& toml) {
    for (auto& node : nodes) node->stop();
    for (auto& node : nodes) std::ofstream(node->config_path(), std::ios::app) << toml;
    for (auto& node : nodes) REQUIRE_MESSAGE(node->restart(), tail(node->log()));
  }

  // True once every node has begun `more` further review digest checks.
  bool digest_checks_pass(int more) const {
    std::vector<double> from;
    auto checks = [&](size_t i) { return metric(metrics(static_cast<int>(i)), "spamgate_review_digest_checks_total"); };
    for (size_t i = 0; i < nodes.size(); ++i) from.push_back(checks(i));
    return eventually([&] {
      for (size_t i = 0; i < nodes.size(); ++i)
        if (checks(i) < from[i] + more) return false;
      return true;
    }, 30s);
  }

  std::string logs() const {
    std::string out;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i]) out += "--- " + name(static_cast<int>(i)) + " ---\n" + tail(nodes[i]->log()) + "\n";
    return out + "--- redis ---\n" + tail(redis.log(), 1500);
  }
};

// The LEARNED hit's score in a verdict (0 when it did not fire).
double learned_score(const json& verdict) {
  if (!verdict.contains("hits")) return 0;
  for (const json& hit : verdict["hits"])
    if (hit.value("rule", "") == "LEARNED") return hit.value("score", 0.0);
  return 0;
}

bool has_hit(const json& verdict, const std::string& rule) {
  if (!verdict.contains("hits")) return false;
  for (const json& hit : verdict["hits"])
    if (hit.value("rule", "") == rule) return true;
  return false;
}

// The number of request lines node `node` logged from client address `ip`.
int requests_from(const SpamgateServer& node, const std::string& ip) { return count_lines(node.log(), "ip=" + ip + " "); }

std::string feedback_body(const std::string& decision, int comment_id, const std::string& text) {
  return json{{"decision", decision}, {"comment_id", comment_id}, {"author", "Reader " + std::to_string(comment_id)},
              {"email", "reader" + std::to_string(comment_id) + "@example.org"}, {"ip", "192.0.2.77"},
              {"body", text}}
      .dump();
}

}  // namespace

TEST_CASE("the redis harness: a private server that can be killed and restarted on the same port") {
  Redis redis;
  CHECK(redis.ping());
  CHECK(redis.url() == "redis://127.0.0.1:" + std::to_string(redis.port()) + "/0");
  CHECK(redis.cli({"SET", "k", "v w"}) == "OK\n");
  CHECK(redis.cli({"GET", "k"}) == "v w\n");
  CHECK(redis.keys() == std::vector<std::string>{"k"});
  CHECK(redis.cli({"CONFIG", "GET", "save"}) == "save\n\n");
  CHECK(redis.cli({"CONFIG", "GET", "appendonly"}) == "appendonly\nno\n");
  redis.kill9();
  CHECK_FALSE(redis.running());
  CHECK_FALSE(redis.ping());
  REQUIRE_MESSAGE(redis.restart(), redis.log());
  CHECK(redis.ping());
  CHECK(redis.cli({"GET", "k"}) == "\n");  // nothing was persisted
}

TEST_CASE("a flood from one address spread over three nodes is limited at one node's count") {
  Cluster cluster;
  const std::string ip = "127.0.10.1";
  int passed = 0, rejected = 0;
  for (int i = 0; i < 3 * kBurst; ++i) {
    const HttpResponse r = cluster.post_comment(
        cluster.url("/wp-comments-post.php"), "Flood comment number " + std::to_string(i) + " about the article.", ip);
    REQUIRE_MESSAGE((r.status == 200 || r.status == 403), r.status, " ", r.error, "\n", cluster.logs());
    ++(r.status == 200 ? passed : rejected);
  }
  // Each node took a third of the flood: alone, each would have let kBurst pass.
  for (auto& node : cluster.nodes)
    CHECK_MESSAGE(eventually([&] { return requests_from(*node, ip) == kBurst; }), tail(node->log()));
  CHECK_MESSAGE(passed == kBurst, cluster.logs());
  CHECK(rejected == 2 * kBurst);
  // Every node rejected some of them for the rate, not for anything else.
  for (auto& node : cluster.nodes) {
    const std::string rejects = lines_with(lines_with(node->log(), "ip=" + ip + " "), "action=reject");
    CHECK_MESSAGE(count_lines(rejects, "RATE_IP") >= 1, tail(node->log()));
    CHECK_MESSAGE(count_lines(rejects, "RATE_IP") == count_lines(rejects, "action=reject"), rejects);
  }
  // Another address is not limited by that flood.
  CHECK(cluster.post_comment(cluster.url("/wp-comments-post.php"), "A calm reader's comment.", "127.0.10.2").status ==
        200);
  // The state lives under this site's key prefix only (several sites may share one Redis).
  const std::vector<std::string> keys = cluster.redis.keys();
  CHECK_MESSAGE(!keys.empty(), "no key in Redis at all");
  for (const std::string& key : keys) CHECK_MESSAGE(key.rfind(kKeyPrefix, 0) == 0, key);
  for (int i = 0; i < 3; ++i) {
    const json health = cluster.health(i);
    INFO(health.dump());
    CHECK(at(health, "/shared/mode") == "redis");
    CHECK(at(health, "/shared/redis") == "up");
    CHECK(at(health, "/shared/node") == Cluster::name(i));
    CHECK(metric(cluster.metrics(i), "spamgate_shared_redis_up") == 1);
  }
}

TEST_CASE("spam the rules reject does not wait for Redis, and within milliseconds the site counts it on every node") {
  Cluster cluster;
  const std::string ip = "127.0.130.1";
  for (int i = 0; i < kBurst; ++i) {
    const HttpResponse r = cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"),
                                                "オンラインカジノ、今なら登録ボーナス" + std::to_string(i + 2) + "倍", ip);
    REQUIRE_MESSAGE(r.status == 403, r.status, " ", r.body, cluster.logs());
  }
  // None of them waited for Redis: their writes went to the sender's queue.
  CHECK(metric(cluster.metrics(0), "spamgate_shared_history_deferred_total") == kBurst);
  // The sender's call reaches Redis at most its linger and a round trip
  // later: the address's bucket there is empty.
  const auto site_tokens = [&] {
    const std::string tokens = cluster.redis.cli({"HGET", kKeyPrefix + "rate:" + ip, "t"});
    return tokens.find_first_of("0123456789") == std::string::npos ? -1.0 : std::stod(tokens);
  };
  REQUIRE_MESSAGE(eventually([&] { return site_tokens() >= 0 && site_tokens() < 1; }, 5s), site_tokens(), cluster.logs());
  // So a reader's comment from that address on another node is over the site's rate.
  const HttpResponse ham = cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"), "記事を読んで勉強になりました。", ip);
  CHECK_MESSAGE(ham.status == 403, ham.status, "\n", tail(cluster.nodes[1]->log()));
  CHECK(eventually([&] { return count_lines(lines_with(cluster.nodes[1]->log(), "ip=" + ip + " "), "RATE_IP") == 1; }));
  CHECK(metric(cluster.metrics(0), "spamgate_shared_history_deferred_dropped_total") == 0);
}

TEST_CASE("a comment costs its node one Redis round trip, whatever RATE_IP and DUPLICATE ask") {
  Cluster cluster;
  constexpr int kComments = 40;
  const auto trips = [&] { return metric(cluster.metrics(0), "spamgate_shared_round_trips_total"); };
  const auto evalsha_calls = [&] {
    const std::string stats = cluster.redis.cli({"INFO", "commandstats"});
    const size_t at = stats.find("cmdstat_evalsha:calls=");
    return at == std::string::npos ? 0L : std::stol(stats.substr(at + 22));
  };
  std::vector<std::string> bodies;
  for (int i = 0; i < kComments; ++i) bodies.push_back("Round trip comment " + std::to_string(i) + " on the article.");
  const double before = trips();
  const long evalsha_before = evalsha_calls();
  const auto busy_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kComments; ++i) {
    const HttpResponse r = cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), bodies[i],
                                                "127.0.30." + std::to_string(1 + i));
    REQUIRE_MESSAGE(r.status == 200, r.status, " ", r.body, cluster.logs());
  }
  const double busy = trips() - before;
  const long evalsha = evalsha_calls() - evalsha_before;
  const auto busy_for = std::chrono::steady_clock::now() - busy_start;
  // The node's own background work (lease, status), over as long again.
  const double idle_before = trips();
  std::this_thread::sleep_for(busy_for);
  const double idle = trips() - idle_before;
  const double per_comment = (busy - idle) / kComments;
  MESSAGE("round trips per comment: " << per_comment << " (" << busy << " while posting, " << idle
                                      << " idle as long); EVALSHA per comment from Redis's INFO commandstats: "
                                      << static_cast<double>(evalsha) / kComments);
  CHECK(per_comment >= 0.9);  // every comment asked Redis...
  CHECK(per_comment <= 1.1);  // ...once: RATE_IP and DUPLICATE in one script call
  CHECK(evalsha >= kComments);
}

TEST_CASE("a duplicate posted to node B after node A is caught") {
  Cluster cluster;
  const std::string text = "I restored a 1962 Vespa last winter; the carburettor tip in this post saved me hours.";
  const HttpResponse first = cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), text, "127.0.20.1");
  REQUIRE_MESSAGE(first.status == 200, first.body, cluster.logs());
  CHECK(parse(first.body)["server"]["SPAMGATE_VERDICT"] == "pass");
  // The same text from other addresses (a bot rotating its IP) on the other nodes.
  for (int i : {1, 2}) {
    const std::string ip = "127.0.20." + std::to_string(i + 1);
    const HttpResponse again = cluster.post_comment(cluster.node_url(i, "/wp-comments-post.php"), text, ip);
    CHECK_MESSAGE(again.status == 403, Cluster::name(i), ": ", again.status, " ", again.body.substr(0, 300));
    const SpamgateServer& node = *cluster.nodes[i];
    CHECK_MESSAGE(eventually([&] { return count_lines(lines_with(node.log(), "ip=" + ip + " "), "DUPLICATE") == 1; }),
                  tail(node.log()));
  }
  // A different text on node B still passes: it was the duplicate that was caught.
  CHECK(cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"), "A different, original comment.",
                             "127.0.20.9")
            .status == 200);
}

// Contact message number i, through the nginx upstream (round robin over the nodes).
void post_contact(const Cluster& cluster, int i) {
  HttpRequest request;
  request.method = "POST";
  request.url = cluster.url("/contact");
  request.headers = {"Content-Type: application/x-www-form-urlencoded"};
  request.body = form_body({{"name", "Visitor " + std::to_string(i)},
                            {"email", "visitor" + std::to_string(i) + "@example.org"},
                            {"subject", "Question number " + std::to_string(i)},
                            {"message", "Hello, this is question " + std::to_string(i) + " about your article."}});
  request.source_address = "127.0.30." + std::to_string(i + 1);
  const HttpResponse r = http(request);
  REQUIRE_MESSAGE(r.status == 200, i, ": ", r.status, " ", r.body.substr(0, 300), "\n", cluster.logs());
}

TEST_CASE("the daily mail cap holds across nodes: per_day contact mails and one alert") {
  constexpr int kPerDay = 4;
  Cluster cluster(ClusterOptions{.mail = true,
                                 .caps = "per_hour = 100\nper_day = " + std::to_string(kPerDay) +
                                         "\nper_recipient_hour = 100\nper_recipient_day = 100\n"});
  // Three times the cap, a third through each node: alone, each would mail kPerDay.
  constexpr int kPosts = 3 * kPerDay;
  for (int i = 0; i < kPosts; ++i) post_contact(cluster, i);
  for (auto& node : cluster.nodes)
    CHECK_MESSAGE(eventually([&] { return count_lines(node->log(), "endpoint=contact") == kPosts / 3; }), tail(node->log()));
  REQUIRE_MESSAGE(cluster.smtp->wait_for_messages(kPerDay + 1, 30s), cluster.logs());
  // Every node's outbox settled: each row sent or held by the cap, none queued or being sent, so
  // nothing more is on its way (were the cap per node, the rows would be sent, not held).
  auto settled = [&] {
    return std::all_of(cluster.nodes.begin(), cluster.nodes.end(),
                       [](const auto& node) { return outbox_settled(node->database_path()); });
  };
  REQUIRE_MESSAGE(eventually(settled, 30s), cluster.logs());
  int contacts = 0, alerts = 0;
  std::string subjects;
  for (const RecordedMessage& m : cluster.smtp->messages()) {
    const std::string subject = subject_of(m.data);
    subjects += subject + "\n";
    ++(subject.rfind("[blog.test] Contact: Question number ", 0) == 0 ? contacts : alerts);
  }
  INFO("subjects:\n" << subjects);
  CHECK(contacts == kPerDay);
  CHECK(alerts == 1);
}

// A minute's wait on the digest timer; the code it runs is the unit tests' under the sanitizers.
TEST_CASE("over the hourly cap on three nodes: one storm digest for the site per interval, the rest still held" *
          doctest::skip(kUnderAsan)) {
  Cluster cluster(ClusterOptions{.mail = true,
                                 .caps = "per_hour = 2\nper_day = 100\nper_recipient_hour = 100\n"
                                         "per_recipient_day = 100\ndigest_interval_minutes = 1\n"});
  constexpr int kPosts = 9;  // 2 mailed, 7 held: every node holds some and folds
  for (int i = 0; i < kPosts; ++i) post_contact(cluster, i);
  auto held = [&](size_t i) {
    return std::stoi(sqlite_query(cluster.nodes[i]->database_path(), "SELECT count(*) FROM outbox WHERE status = 'held'"));
  };
  auto digests = [&] {
    int n = 0;
    for (const RecordedMessage& m : cluster.smtp->messages()) n += subject_of(m.data).find(" Digest: ") != std::string::npos;
    return n;
  };
  for (size_t i = 0; i < cluster.nodes.size(); ++i) CHECK_MESSAGE(eventually([&] { return held(i) > 0; }), cluster.logs());
  // A minute later every node's digest time comes; one node writes the site's storm digest.
  REQUIRE_MESSAGE(eventually([&] { return digests() >= 1; }, 90s), cluster.logs());
  std::this_thread::sleep_for(10s);  // the other nodes' digest time has come and gone too
  CHECK_MESSAGE(digests() == 1, cluster.logs());  // one per node before
  int folded_nodes = 0, still_held = 0;
  for (size_t i = 0; i < cluster.nodes.size(); ++i) {
    folded_nodes += held(i) == 0;
    still_held += held(i);
  }
  CHECK(folded_nodes == 1);
  CHECK(still_held > 0);  // kept for their own turn, not lost
  CHECK(cluster.smtp->messages().size() == 3u);  // 2 contact messages + 1 storm digest
}

// The review digest's mails the SMTP server received.
std::vector<RecordedMessage> review_digests(const SmtpServer& smtp) {
  std::vector<RecordedMessage> out;
  for (const RecordedMessage& m : smtp.messages())
    if (subject_of(m.data).find("spamgate digest:") != std::string::npos) out.push_back(m);
  return out;
}

// A digest's text, decoded, with plain line ends.
std::string digest_body(const RecordedMessage& m) {
  return std::regex_replace(decode_quoted_printable(message_body(m.data)), std::regex("\r\n"), "\n");
}

// Node i rejects i+1 comments as DUPLICATE of one posted first (through
// node 1): 1 + 2 + 3 blocked on three nodes. Japanese text.
void block_duplicates_on_every_node(Cluster& cluster) {
  const std::string text = "トマトの葉が黄色くなる病気について、この対策はとても役に立ちました。";
  REQUIRE(cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), text, "127.0.40.1").status == 200);
  int ip = 2;
  for (int node = 0; node < 3; ++node)
    for (int n = 0; n <= node; ++n) {
      const HttpResponse r =
          cluster.post_comment(cluster.node_url(node, "/wp-comments-post.php"), text, "127.0.40." + std::to_string(ip++));
      REQUIRE_MESSAGE(r.status == 403, Cluster::name(node), ": ", r.status, "\n", cluster.logs());
    }
}

// Every 2 s: the grace before a node claims the site's period is two checks.
const std::string kDigestOn = "\n[review]\ndigest = \"daily\"\ndigest_check_seconds = 2\n";

TEST_CASE("three nodes, digest on: one digest for the site per period, with every node's counts") {
  Cluster cluster(ClusterOptions{.mail = true, .caps = ""});
  block_duplicates_on_every_node(cluster);
  cluster.restart_all_with(kDigestOn);
  REQUIRE_MESSAGE(cluster.smtp->wait_for_messages(1, 30s), cluster.logs());
  // More checks on every node after the digest (the grace is two): none is due for the rest of the day.
  const HttpResponse later = cluster.post_comment(cluster.node_url(2, "/wp-comments-post.php"),
                                                  "トマトの葉が黄色くなる病気について、この対策はとても役に立ちました。",
                                                  "127.0.41.1");
  CHECK(later.status == 403);  // blocked after the digest: it waits for the next period
  REQUIRE(cluster.digest_checks_pass(4));
  // Nothing on its way from any node, and one digest queued on all of them together.
  auto outboxes = [&](const std::string& where) {
    int rows = 0;
    for (auto& node : cluster.nodes)
      rows += std::stoi(sqlite_query(node->database_path(), "SELECT count(*) FROM outbox WHERE " + where));
    return rows;
  };
  REQUIRE_MESSAGE(eventually([&] { return outboxes("status IN ('queued', 'sending')") == 0; }, 30s), cluster.logs());
  CHECK(outboxes("subject LIKE '%spamgate digest:%'") == 1);
  const std::vector<RecordedMessage> digests = review_digests(*cluster.smtp);
  REQUIRE_MESSAGE(digests.size() == 1, digests.size(), " digests\n", cluster.logs());
  const std::string subject = subject_of(digests[0].data);
  const std::string body = digest_body(digests[0]);
  INFO(subject, "\n", body);
  CHECK(subject.find("spamgate digest: 6 blocked since ") != std::string::npos);  // 1 + 2 + 3: all nodes'
  CHECK(subject.find(" on web") == std::string::npos);  // the site's, not one node's
  CHECK(body.find("  rejected   6\n") != std::string::npos);
  CHECK(body.find("By kind: 6 comments") != std::string::npos);
  CHECK(body.find("6     DUPLICATE") != std::string::npos);
  CHECK(body.find("Counted on every node that answered: web1 web2 web3\n") != std::string::npos);
  CHECK(body.find("トマトの葉が黄色くなる病気") != std::string::npos);
  for (auto& node : cluster.nodes) CHECK(count_lines(node->log(), "mails its own review digest") == 0);
}

TEST_CASE("redis down: each node mails its own digest with its own counts, says so once, and no request fails") {
  Cluster cluster(ClusterOptions{.mail = true, .caps = ""});
  block_duplicates_on_every_node(cluster);
  cluster.redis.kill9();
  cluster.restart_all_with(kDigestOn);
  for (int i = 0; i < 12; ++i) {
    const HttpResponse r = cluster.post_comment(cluster.url("/wp-comments-post.php"),
                                                "Without Redis, comment " + std::to_string(i) + ": thanks for the recipe.",
                                                "127.0.42." + std::to_string(i + 1));
    CHECK_MESSAGE(r.status == 200, i, ": ", r.status, " ", r.error);
  }
  REQUIRE_MESSAGE(cluster.smtp->wait_for_messages(3, 30s), cluster.logs());
  REQUIRE(cluster.digest_checks_pass(3));
  std::map<std::string, std::string> by_node;  // node -> the digest's body
  for (const RecordedMessage& m : review_digests(*cluster.smtp)) {
    const std::string subject = subject_of(m.data);
    std::smatch node;
    if (std::regex_search(subject, node, std::regex(" blocked on (web[0-9]) since "))) by_node[node[1]] += digest_body(m);
    else FAIL_CHECK("a digest that names no node: ", subject);
  }
  REQUIRE_MESSAGE(by_node.size() == 3, cluster.logs());
  for (int i = 0; i < 3; ++i) {
    const std::string& body = by_node[Cluster::name(i)];
    INFO(Cluster::name(i), ":\n", body);
    CHECK(body.find("  rejected   " + std::to_string(i + 1) + "\n") != std::string::npos);  // its own blocked only
    CHECK(count_lines(body, "spamgate blocked ") == 1);  // one digest each
    CHECK(count_lines(cluster.nodes[i]->log(), "mails its own review digest") == 1);
  }
}

TEST_CASE("a feedback click on node A changes how node B scores a similar comment within a second") {
  Cluster cluster;
  // The site's history: enough of each class for LEARNED to speak (min_per_class = 3).
  const std::vector<std::string> spam = {
      "Buy cheap replica watches online, best prices, click here for the discount shop",
      "Earn money fast from home, work two hours a day, visit my profile for details",
      "Free casino bonus spins, win real money tonight, sign up now and claim the bonus",
      "Cheap pills online pharmacy, no prescription needed, discreet shipping worldwide",
      "Best SEO services, rank your site on the first page, cheap backlinks package"};
  const std::vector<std::string> ham = {
      "Thanks for the clear explanation of sourdough starters, mine finally rises.",
      "I tried the second recipe with less sugar and my kids loved it, thank you.",
      "Could you write about hydrating whole wheat dough next? The crumb is always dense.",
      "Great photos of the bread, what oven temperature did you use for the crust?",
      "My grandmother baked rye like this; reading your post brought back memories."};
  json items = json::array();
  int id = 1000;
  for (const std::string& text : spam) items.push_back({{"decision", "spam"}, {"comment_id", id++}, {"body", text}});
  for (const std::string& text : ham) items.push_back({{"decision", "ham"}, {"comment_id", id++}, {"body", text}});
  const HttpResponse trained = cluster.api("POST", cluster.node_url(0, "/spamgate/train"), json{{"items", items}}.dump());
  REQUIRE_MESSAGE(trained.status == 200, trained.body, cluster.logs());
  // Every node learned the import, though only node A received it, and rebuilt its model from it.
  for (int i = 0; i < 3; ++i)
    CHECK_MESSAGE(eventually([&] {
                    const json m = cluster.model(i);
                    return m.value("spam", -1) == 5 && m.value("ham", -1) == 5 && m.value("active", false) &&
                           m.value("exact", false);
                  }, 5s),
                  Cluster::name(i), ": ", cluster.model(i).dump());

  // A new kind of spam node B has never been taught about.
  const std::string novel = "Zorblax gallery sells zorblax canvas prints, zorblax frames and zorblax posters";
  const json before = cluster.check(1, novel);
  REQUIRE_MESSAGE(before.contains("action"), before.dump(), cluster.logs());
  MESSAGE("node B before the clicks: " << before.dump());
  CHECK(before["action"] == "pass");
  CHECK(before == cluster.check(0, novel));  // all nodes score alike

  // The owner marks a few of them as spam on node A.
  for (int i = 0; i < 3; ++i) {
    const HttpResponse click = cluster.api(
        "POST", cluster.node_url(0, "/spamgate/feedback"),
        feedback_body("spam", 2000 + i, "zorblax canvas prints and zorblax posters, order " + std::to_string(i)));
    REQUIRE_MESSAGE(click.status == 200, click.body, cluster.logs());
  }
  const auto clicked = std::chrono::steady_clock::now();
  json after;
  // Held once B has the clicks and has rebuilt from them (a click alone, taught one step, may add less:
  // with few examples LEARNED asks for more confidence).
  const bool changed = eventually([&] {
    after = cluster.check(1, novel);
    return learned_score(after) > learned_score(before) && after.value("action", "") == "hold";
  }, 1s);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - clicked).count();
  CHECK_MESSAGE(changed, "node B after the clicks: ", after.dump(), "\n", cluster.logs());
  MESSAGE("node B after the clicks (" << waited << " s): " << after.dump());
  CHECK(has_hit(after, "LEARNED"));
  CHECK(after.value("score", 0.0) > before.value("score", 0.0));
  CHECK(after.value("action", "") == "hold");  // the verdict changed: held for moderation now
  // B's verdict may change before the last of the three clicks reaches it; every node holds all three soon after,
  // and has rebuilt its model from its log (until then a node scores with the clicks taught one by one).
  for (int i = 0; i < 3; ++i)
    CHECK_MESSAGE(eventually([&] {
                    const json m = cluster.model(i);
                    return m.value("spam", -1) == 8 && m.value("ham", -1) == 5 && m.value("exact", false);
                  }, 5s),
                  Cluster::name(i), ": ", cluster.model(i).dump());
  CHECK(cluster.check(2, novel) == cluster.check(1, novel));
}

TEST_CASE("one spam marked on node A catches its wave on node B (FUZZY); a ham mark on node C lifts it everywhere") {
  Cluster cluster;
  const std::string wave =
      "Dear blogger, we offer guest posts and cheap backlinks for your site, 50 dofollow links for only 20 dollars, "
      "write to seo@links.example or visit http://links.example/offer today";
  const std::string variant =
      "Dear webmaster, we offer guest posts and cheap backlinks for your blog, 80 dofollow links for only 35 dollars, "
      "write to sales@rank.example or visit https://rank.example/deal now";
  const json before = cluster.check(1, variant);
  REQUIRE_MESSAGE(before.contains("action"), before.dump(), cluster.logs());
  CHECK_FALSE(has_hit(before, "FUZZY"));
  CHECK(before["action"] == "pass");

  // One click on node A (LEARNED stays silent: it needs 3 of each class).
  const HttpResponse click = cluster.api("POST", cluster.node_url(0, "/spamgate/feedback"), feedback_body("spam", 5150, wave));
  REQUIRE_MESSAGE(click.status == 200, click.body, cluster.logs());
  json after;
  const bool caught = eventually([&] {
    after = cluster.check(1, variant);
    return has_hit(after, "FUZZY");
  }, 2s);
  CHECK_MESSAGE(caught, "node B after the click: ", after.dump(), "\n", cluster.logs());
  CHECK(after.value("action", "") == "hold");
  CHECK_FALSE(has_hit(after, "LEARNED"));
  for (const json& hit : after.value("hits", json::array()))
    if (hit.value("rule", "") == "FUZZY")
      CHECK_MESSAGE(hit.value("detail", "").rfind("like #5150: \"Dear blogger, we offer guest posts", 0) == 0, hit.dump());
  // A live comment of the wave posted to node B is held there.
  const HttpResponse live = cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"), variant, "127.0.50.1");
  REQUIRE_MESSAGE(live.status == 200, live.body, cluster.logs());
  CHECK(parse(live.body)["server"]["SPAMGATE_VERDICT"] == "hold");
  CHECK(parse(live.body)["server"]["SPAMGATE_RULES"] == "FUZZY");

  // The owner rescues a comment like it on node C: no node holds the wave for FUZZY any more.
  const HttpResponse rescue = cluster.api("POST", cluster.node_url(2, "/spamgate/feedback"), feedback_body("ham", 5151, variant));
  REQUIRE_MESSAGE(rescue.status == 200, rescue.body, cluster.logs());
  for (int i = 0; i < 3; ++i)
    CHECK_MESSAGE(eventually([&] { return !has_hit(cluster.check(i, variant), "FUZZY"); }, 2s),
                  Cluster::name(i), ": ", cluster.check(i, variant).dump());
}

TEST_CASE("redis killed with SIGKILL under load: no request fails, one warning per node, then shared state resumes") {
  Cluster cluster;
  constexpr int kLoad = 300;
  std::vector<HttpResponse> responses(kLoad);
  std::atomic<int> done{0};
  // Every request from its own address with its own text: each should pass.
  std::thread load([&] {
    for (int i = 0; i < kLoad; ++i) {
      const std::string ip = "127.0." + std::to_string(100 + i / 200) + "." + std::to_string(1 + i % 200);
      responses[i] = cluster.post_comment(cluster.url("/wp-comments-post.php"),
                                          "Load comment " + std::to_string(i) + ": the third paragraph was useful.", ip);
      done = i + 1;
    }
  });
  eventually([&] { return done >= kLoad / 4; }, 30s);
  cluster.redis.kill9();
  const int killed_at = done;
  load.join();
  MESSAGE("redis killed after " << killed_at << " of " << kLoad << " requests");
  CHECK(killed_at < kLoad);  // the kill came under load
  int failed = 0;
  std::string failures;
  for (int i = 0; i < kLoad; ++i)
    if (responses[i].status != 200) {
      ++failed;
      if (failures.size() < 2000)
        failures += std::to_string(i) + ": " + std::to_string(responses[i].status) + " " + responses[i].error + " " +
                    responses[i].body.substr(0, 200) + "\n";
    }
  CHECK_MESSAGE(failed == 0, failures, cluster.logs());

  // Each node noticed (even one that had no request since: its stream reader did).
  for (auto& node : cluster.nodes)
    CHECK_MESSAGE(eventually([&] { return count_lines(node->log(), "shared state unavailable") >= 1; }, 5s),
                  tail(node->log()));
  for (int i = 0; i < 3; ++i) {
    const json health = cluster.health(i);
    INFO(Cluster::name(i), ": ", health.dump());
    CHECK(at(health, "/shared/mode") == "local-fallback");
    CHECK(at(health, "/shared/redis") == "down");
    const std::string metrics = cluster.metrics(i);
    CHECK(metric(metrics, "spamgate_shared_redis_up") == 0);
    CHECK(metric(metrics, "spamgate_shared_outages_total") == 1);
  }
  // More traffic during the outage: served from local state, no new warning.
  for (int i = 0; i < 30; ++i) {
    const HttpResponse r = cluster.post_comment(cluster.url("/wp-comments-post.php"),
                                                "Comment during the outage " + std::to_string(i), "127.0.110." +
                                                                                                 std::to_string(i + 1));
    CHECK_MESSAGE(r.status == 200, r.status, " ", r.error);
  }
  double fallbacks = 0;
  for (int i = 0; i < 3; ++i) fallbacks += std::max(0.0, metric(cluster.metrics(i), "spamgate_shared_fallbacks_total"));
  CHECK(fallbacks >= 30);
  // A node writes the warning with its outage count, under one lock: one outage each is one warning each.
  for (int i = 0; i < 3; ++i) CHECK(metric(cluster.metrics(i), "spamgate_shared_outages_total") == 1);
  for (auto& node : cluster.nodes) {
    const std::string warnings = lines_with(node->log(), "shared state unavailable");
    CHECK_MESSAGE(count_lines(warnings, "shared state unavailable") == 1, warnings);
    CHECK_MESSAGE(count_lines(warnings, "level=warn") == 1, warnings);
  }

  REQUIRE_MESSAGE(cluster.redis.restart(), cluster.redis.log());
  const auto restarted = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i)
    CHECK_MESSAGE(eventually([&] {
                    const json h = cluster.health(i);
                    return at(h, "/shared/redis") == "up" && at(h, "/shared/mode") == "redis";
                  }, 20s),
                  Cluster::name(i), ": ", cluster.health(i).dump(), "\n", tail(cluster.nodes[i]->log()));
  MESSAGE("all nodes back on Redis " << std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count()
                                     << " s after it restarted");
  for (int i = 0; i < 3; ++i) {
    const std::string log = cluster.nodes[i]->log();
    CHECK_MESSAGE(count_lines(log, "shared state resumed") == 1, lines_with(log, "shared state"));
    CHECK_MESSAGE(count_lines(log, "shared state unavailable") == 1, lines_with(log, "shared state"));
    CHECK(metric(cluster.metrics(i), "spamgate_shared_redis_up") == 1);
  }
  // Shared again: a duplicate across nodes is caught.
  const std::string text = "After the outage: the tomato blight advice worked in our allotment.";
  CHECK(cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), text, "127.0.120.1").status == 200);
  const HttpResponse again = cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"), text, "127.0.120.2");
  CHECK_MESSAGE(again.status == 403, again.status, "\n", cluster.logs());
  CHECK(eventually([&] { return count_lines(cluster.nodes[1]->log(), "DUPLICATE") == 1; }));
}

TEST_CASE("a node started after many learning events catches up from the snapshot and the trimmed stream") {
  constexpr int kEvents = 60;
  ClusterOptions options;
  options.snapshot_every = 10;
  options.spare_node = true;
  Cluster cluster(options);
  // 60 clicks spread over the three nodes, alternating spam and ham.
  for (int i = 0; i < kEvents; ++i) {
    const bool is_spam = i % 2 == 0;
    const std::string text = is_spam ? "Cheap offer " + std::to_string(i) + ": buy followers and likes today"
                                     : "Reader note " + std::to_string(i) + ": the chart in part two was clear";
    const HttpResponse r = cluster.api("POST", cluster.url("/spamgate/feedback"),
                                       feedback_body(is_spam ? "spam" : "ham", 3000 + i, text));
    REQUIRE_MESSAGE(r.status == 200, i, ": ", r.status, " ", r.body, "\n", cluster.logs());
  }
  for (int i = 0; i < 3; ++i)
    CHECK_MESSAGE(eventually([&] {
                    const json m = cluster.model(i);
                    return m.value("spam", -1) == kEvents / 2 && m.value("ham", -1) == kEvents / 2;
                  }, 5s),
                  Cluster::name(i), ": ", cluster.model(i).dump());
  // The leader snapshotted the stream and trimmed it behind the snapshot.
  auto stream_lengths = [&] {
    long total = 0;
    int streams = 0;
    for (const std::string& key : cluster.redis.keys(kKeyPrefix + "*"))
      if (cluster.redis.cli({"TYPE", key}) == "stream\n") {
        ++streams;
        total += std::atol(cluster.redis.cli({"XLEN", key}).c_str());
      }
    return std::make_pair(streams, total);
  };
  CHECK_MESSAGE(eventually([&] {
                  const auto [streams, total] = stream_lengths();
                  return streams >= 1 && total < kEvents;
                }, 15s),  // the leader compacts every few seconds
                "streams and entries: ", stream_lengths().first, " ", stream_lengths().second);
  MESSAGE("the learning stream holds " << stream_lengths().second << " of " << kEvents << " events");

  // A fourth node, with an empty store of its own, joins late.
  SpamgateOptions late = cluster.node_options(3, cluster.spare_port);
  cluster.nodes.push_back(std::make_unique<SpamgateServer>(late));
  REQUIRE_MESSAGE(cluster.nodes[3]->wait_until_listening(), tail(cluster.nodes[3]->log()));
  const auto started = std::chrono::steady_clock::now();
  const json reference = cluster.model(0);
  CHECK_MESSAGE(eventually([&] {
                  const json m = cluster.model(3);
                  return m.value("spam", -1) == reference.value("spam", -2) &&
                         m.value("ham", -1) == reference.value("ham", -2) && m.value("exact", false) &&
                         cluster.model(0).value("exact", false);
                }, 5s),
                "node A: ", reference.dump(), "\nlate node: ", cluster.model(3).dump(), "\n", tail(cluster.nodes[3]->log()));
  MESSAGE("the late node caught up in "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s");
  // Scores alike too: the same verdict for the same text as node A.
  const std::string probe = "Cheap offer: buy followers and likes today";
  CHECK(cluster.check(3, probe) == cluster.check(0, probe));
  // Every node reports the same stream position once idle.
  CHECK_MESSAGE(eventually([&] {
                  const json applied = at(cluster.health(0), "/shared/stream_applied");
                  if (!applied.is_string() || applied.get<std::string>().empty()) return false;
                  for (int i = 1; i < 4; ++i)
                    if (at(cluster.health(i), "/shared/stream_applied") != applied) return false;
                  return true;
                }, 5s),
                cluster.health(0).dump(), "\n", cluster.health(3).dump());
  const double applied = metric(cluster.metrics(3), "spamgate_learning_events_applied_total");
  CHECK(applied >= 0);
}

TEST_CASE("spamgate status: up with the round trip, the stream and the leader; DOWN and exit 1 without Redis") {
  Cluster cluster;
  // Exactly one node leads, and every node knows it.
  int leaders = 0;
  std::string leader;
  REQUIRE_MESSAGE(eventually([&] {
                    leaders = 0;
                    for (int i = 0; i < 3; ++i)
                      if (at(cluster.health(i), "/shared/leader") == true) {
                        ++leaders;
                        leader = Cluster::name(i);
                      }
                    return leaders == 1;
                  }, 10s),
                  leaders, " leaders\n", cluster.logs());
  for (int i = 0; i < 3; ++i) {
    std::string output;
    const int status = cluster.nodes[i]->cli("status", &output);
    INFO(Cluster::name(i), ": spamgate status:\n", output);
    CHECK(status == 0);
    CHECK(output.find("node: " + Cluster::name(i) + "\n") != std::string::npos);
    CHECK(std::regex_search(output, std::regex("shared state: " + std::regex_replace(cluster.redis.url(), std::regex("[.]"), "[.]") +
                                               " up, round trip [0-9.]+ ms")));
    CHECK(std::regex_search(output, std::regex("learning stream: applied \\S+, newest \\S+, [0-9]+ behind")));
    CHECK(output.find("leader: " + leader + "\n") != std::string::npos);
  }
  cluster.redis.kill9();
  std::string output;
  const int status = cluster.nodes[0]->cli("status", &output);
  INFO("spamgate status without Redis:\n", output);
  CHECK(status == 1);
  CHECK(std::regex_search(output, std::regex("shared state: \\S+ DOWN \\(.+\\)")));
  CHECK(http_get(cluster.node_url(0, "/spamgate/health")).status == 200);  // the node itself serves on

  // A node without [shared]: off, in its health and its status.
  SpamgateOptions alone;
  alone.upstream = cluster.fpm.address();
  SpamgateServer solo(alone);
  REQUIRE_MESSAGE(solo.wait_until_listening(), solo.log());
  std::string solo_output;
  CHECK(solo.cli("status", &solo_output) == 0);
  CHECK_MESSAGE(solo_output.find("shared state: off") != std::string::npos, solo_output);
  const json solo_health = parse(fastcgi_get(solo.address(), "/spamgate/health"));
  CHECK_MESSAGE((at(solo_health, "/shared") == json{{"mode", "off"}}), solo_health.dump());
}

// The site's review list as node i answers it (GET /spamgate/submissions?QUERY).
json review_list(const Cluster& cluster, int i, const std::string& query = "") {
  const HttpResponse r = Cluster::api("GET", cluster.node_url(i, "/spamgate/submissions" + query));
  CHECK_MESSAGE(r.status == 200, Cluster::name(i), ": ", r.status, " ", r.body.substr(0, 300), " ", r.error);
  return parse(r.body);
}

// True once every node's review list (undecided, every kind) holds `total` rows, answered from Redis.
bool every_node_lists(const Cluster& cluster, int total) {
  return eventually([&] {
    for (size_t i = 0; i < cluster.nodes.size(); ++i) {
      const json list = review_list(cluster, static_cast<int>(i));
      if (at(list, "/total") != total || at(list, "/partial") != false) return false;
    }
    return true;
  }, 20s);
}

TEST_CASE("a comment rejected by node 2 is listed by node 1 and rescued through node 3; a rescued contact is mailed once") {
  Cluster cluster(ClusterOptions{.mail = true, .caps = ""});
  const std::string text = "南アルプスの天然水を激安でお届けします。今すぐクリックしてください！";
  REQUIRE(cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), text, "127.0.50.1").status == 200);
  REQUIRE(cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"), text, "127.0.50.2").status == 403);

  // Node 1 lists what node 2 rejected, as every node does.
  REQUIRE_MESSAGE(every_node_lists(cluster, 1), cluster.logs());
  const json item = at(review_list(cluster, 0), "/items/0");
  CHECK(item.value("body", "") == text);
  CHECK(item.value("action", "") == "reject");
  CHECK(item.value("rules", "").find("DUPLICATE") != std::string::npos);
  CHECK(at(review_list(cluster, 0, "?rule=DUPLICATE&action=reject&kind=comment"), "/total") == 1);
  CHECK(at(review_list(cluster, 0, "?rule=RATE_IP"), "/total") == 0);
  const std::string id = item.value("id", "");
  REQUIRE(id.size() == 16);
  CHECK(sqlite_query(cluster.nodes[0]->database_path(), "SELECT count(*) FROM submissions WHERE id = '" + id + "'") ==
        "0");  // node 1 answers from the mirror, not from a row of its own
  CHECK(Cluster::api("GET", cluster.node_url(2, "/spamgate/submissions/" + id)).status == 200);

  // "Not spam" through node 3: decided for the site, once.
  const HttpResponse rescued =
      Cluster::api("POST", cluster.node_url(2, "/spamgate/submissions/" + id + "/decision"), R"({"decision":"ham"})");
  REQUIRE_MESSAGE(rescued.status == 200, rescued.body, cluster.logs());
  CHECK(at(parse(rescued.body), "/previous").is_null());
  CHECK(at(parse(rescued.body), "/item/body") == text);  // what the plugin recreates the comment from
  for (int i = 0; i < 3; ++i) {
    CHECK(at(review_list(cluster, i), "/total") == 0);
    CHECK(at(review_list(cluster, i, "?decided=1"), "/items/0/decision") == "ham");
  }
  // A second click on another node sees the site's decision: the plugin does not recreate the comment again.
  const HttpResponse again =
      Cluster::api("POST", cluster.node_url(0, "/spamgate/submissions/" + id + "/decision"), R"({"decision":"ham"})");
  CHECK(at(parse(again.body), "/previous") == "ham");

  // A contact message rejected on node 3 (a duplicate of one node 1 mailed), rescued through node 1 and node 2:
  // mailed once for the site.
  const std::vector<std::pair<std::string, std::string>> contact = {
      {"name", "佐藤一郎"}, {"email", "ichiro@example.jp"}, {"subject", "見積もりのお願い"},
      {"message", "ホームページ制作のお見積もりをお願いできますでしょうか。"}};
  auto post_contact_to = [&](int node, const std::string& ip) {
    HttpRequest request;
    request.method = "POST";
    request.url = cluster.node_url(node, "/contact");
    request.headers = {"Content-Type: application/x-www-form-urlencoded"};
    request.body = form_body(contact);
    request.source_address = ip;
    return http(request).status;
  };
  REQUIRE(post_contact_to(0, "127.0.51.1") == 200);
  REQUIRE(post_contact_to(2, "127.0.51.2") == 403);
  REQUIRE_MESSAGE(cluster.smtp->wait_for_messages(1, 30s), cluster.logs());
  std::string contact_id;
  REQUIRE_MESSAGE(eventually([&] {
    contact_id = at(review_list(cluster, 1, "?kind=contact"), "/items/0/id").is_string()
                     ? at(review_list(cluster, 1, "?kind=contact"), "/items/0/id").get<std::string>() : "";
    return !contact_id.empty();
  }, 20s), cluster.logs());
  const HttpResponse first =
      Cluster::api("POST", cluster.node_url(0, "/spamgate/submissions/" + contact_id + "/decision"), R"({"decision":"ham"})");
  const HttpResponse second =
      Cluster::api("POST", cluster.node_url(1, "/spamgate/submissions/" + contact_id + "/decision"), R"({"decision":"ham"})");
  CHECK_MESSAGE(at(parse(first.body), "/mailed") == true, first.body);
  CHECK_MESSAGE(at(parse(second.body), "/mailed") == false, second.body);
  // Nothing more on its way from any node.
  auto settled = [&] {
    return std::all_of(cluster.nodes.begin(), cluster.nodes.end(), [](const auto& node) {
      return sqlite_query(node->database_path(), "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')") == "0";
    });
  };
  REQUIRE_MESSAGE(cluster.smtp->wait_for_messages(2, 30s), cluster.logs());
  REQUIRE_MESSAGE(eventually(settled, 30s), cluster.logs());
  int rescues = 0;
  for (const RecordedMessage& m : cluster.smtp->messages()) rescues += subject_of(m.data).find("見積もりのお願い") != std::string::npos;
  CHECK(rescues == 2);  // the original from node 1, and the rescue once
}

TEST_CASE("redis killed: each node's review answers from its own store with partial, no request fails, then the lists agree") {
  Cluster cluster;
  const std::string text = "格安航空券の比較サイトはこちら、毎日更新しています。";
  REQUIRE(cluster.post_comment(cluster.node_url(0, "/wp-comments-post.php"), text, "127.0.52.1").status == 200);
  for (int i = 0; i < 3; ++i)
    REQUIRE(cluster.post_comment(cluster.node_url(i, "/wp-comments-post.php"), text, "127.0.52." + std::to_string(i + 2)).status == 403);
  REQUIRE_MESSAGE(every_node_lists(cluster, 3), cluster.logs());

  cluster.redis.kill9();
  for (int i = 0; i < 3; ++i) {
    const json list = review_list(cluster, i);
    CHECK_MESSAGE(at(list, "/partial") == true, list.dump());
    CHECK(at(list, "/total") == 1);  // its own only
  }
  // A flood from one address on node 2 while Redis is away: passed up to node 2's own rate limit (none
  // fails), then rejected (RATE_IP) and kept, listed by node 2 alone for now. (Its text differs each
  // time: a body already kept is not kept twice.)
  for (int i = 0; i <= kBurst; ++i) {
    const HttpResponse r = cluster.post_comment(cluster.node_url(1, "/wp-comments-post.php"),
                                                "Redis が止まっている間のコメント " + std::to_string(i) + " です。",
                                                "127.0.52.9");
    CHECK_MESSAGE(r.status == (i < kBurst ? 200 : 403), i, ": ", r.status, " ", r.error);
  }
  CHECK(eventually([&] { return at(review_list(cluster, 1), "/total") == 2; }));

  // Back, empty (this Redis keeps nothing on disk): every node copies its rows again, and the lists agree.
  REQUIRE_MESSAGE(cluster.redis.restart(), cluster.redis.log());
  REQUIRE_MESSAGE(every_node_lists(cluster, 4), cluster.logs());
}

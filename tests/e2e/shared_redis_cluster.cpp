// Several web nodes (issue 26), the cases that need a whole site or a node's
// life cycle, end to end with real parts: a redis-server shared by three
// `spamgate serve` processes (each with its own config, port and SQLite
// store) behind one nginx, which also reaches each node alone under
// /web1/, /web2/, /web3/.
//
// What a site owner checks: a Japanese comment node 2 rejected shows in
// WordPress's "Blocked by spamgate" screen (headless Chromium, the plugin
// pointed at node 3) and "Not spam" puts it into WordPress once, however
// often and through whichever node it is clicked; a node joining with its own
// 50 decisions leaves every node counting the union, the newest decision per
// comment winning, and a restart does not merge twice; `spamgate status`
// on one node shows another node's lag grow while it is stopped and shrink
// to nothing once it runs again.
//
// Slow (WordPress, MariaDB, Chromium): the release build runs it, the
// sanitizer build skips it (CMakeLists.txt); shared_redis.cpp runs the
// same spamgate code under the sanitizers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/json_probe.h"
#include "harness/mail_inspect.h"
#include "harness/mariadb.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/redis.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "harness/wordpress.h"
#include "harness/wordpress_site.h"
#include "support/site_rules.h"

using namespace harness;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "cluster-secret-9c2d41e7";
const std::string kKeyPrefix = "blog-b:";

// How often `needle` occurs in `text`.
int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

// Node i's name in its config, and its prefix in nginx (/web1/ for node 0).
std::string node_name(int i) { return "web" + std::to_string(i + 1); }

// The [shared] section of node `name`.
std::string shared_toml(const Redis& redis, const std::string& name) {
  return "\n[shared]\nredis = \"" + redis.url() + "\"\ntimeout_ms = 50\nnode = \"" + name + "\"\nkey_prefix = \"" +
         kKeyPrefix + "\"\n\n";
}

// `location ^~ /webN/` for each node address: node N alone, as the path after the prefix.
std::string direct_locations(const std::vector<std::string>& addresses) {
  std::string out;
  for (size_t i = 0; i < addresses.size(); ++i) {
    const std::string prefix = "/" + node_name(static_cast<int>(i));
    out += fastcgi_location("^~ " + prefix + "/", addresses[i],
                            "  rewrite ^" + prefix + "(/.*)$ $1 break;\n  fastcgi_param HTTP_HOST $host:$server_port;\n");
  }
  return out;
}

// A call of spamgate's API with the shared secret, as the plugin makes it.
HttpResponse api(const std::string& method, const std::string& url, const std::string& body = "") {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = {"Authorization: Bearer " + kSecret};
  if (!body.empty()) request.headers.push_back("Content-Type: application/json");
  request.body = body;
  return http(request);
}

// `count` `spamgate serve` nodes on one Redis in front of the
// PHP-FPM echo backend, each reached alone under /webN/ of one nginx.
// Node i is on [shared] unless it is listed in `alone` (it joins later).
struct LearningCluster {
  Redis redis;
  PhpFpm fpm;
  std::vector<std::unique_ptr<SpamgateServer>> nodes;
  std::unique_ptr<Nginx> nginx;

  explicit LearningCluster(int count, std::vector<int> alone = {}) {
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    for (int i = 0; i < count; ++i) {
      SpamgateOptions o;
      o.upstream = fpm.address();
      o.shared_secret = kSecret;
      o.extra_toml = "[learning]\nmin_per_class = 3\npoll_seconds = 1\n";
      if (std::find(alone.begin(), alone.end(), i) == alone.end()) o.extra_toml += shared_toml(redis, node_name(i));
      nodes.push_back(std::make_unique<SpamgateServer>(o));
    }
    std::vector<std::string> addresses;
    for (auto& node : nodes) {
      REQUIRE_MESSAGE(node->wait_until_listening(), tail(node->log()));
      addresses.push_back(node->address());
    }
    NginxOptions o;
    o.server_body = direct_locations(addresses);
    nginx = std::make_unique<Nginx>(o);
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }

  std::string url(int i, const std::string& path) const { return nginx->url("/" + node_name(i) + path); }
  json model(int i) const { return parse(api("GET", url(i, "/spamgate/model")).body); }
  // `spamgate ARGS` with node i's config: its output, "exit N" appended when it failed.
  std::string cli(int i, const std::string& args) const {
    std::string output;
    const int status = nodes[i]->cli(args, &output);
    return status == 0 ? output : output + "exit " + std::to_string(status);
  }

  std::string logs() const {
    std::string out;
    for (size_t i = 0; i < nodes.size(); ++i)
      out += "--- " + node_name(static_cast<int>(i)) + " ---\n" + tail(nodes[i]->log()) + "\n";
    return out;
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// A node joining with its own history.

namespace {

// A decision taught from the command line: a comment's text and its label.
struct Taught {
  std::string body;
  bool spam;
};

// Writes `decisions` as a labelled CSV (AUTHOR,CONTENT,CLASS) NAME.csv in
// node i's folder and teaches them with `spamgate learn` on node i's config.
void learn(const LearningCluster& cluster, int i, const std::string& name, const std::vector<Taught>& decisions) {
  const std::string path = cluster.nodes[i]->dir() + "/" + name + ".csv";
  std::ofstream csv(path);
  csv << "AUTHOR,CONTENT,CLASS\n";
  for (const Taught& d : decisions) csv << "Reader,\"" << d.body << "\"," << (d.spam ? 1 : 0) << "\n";
  csv.close();
  const std::string output = cluster.cli(i, "learn '" + path + "'");
  REQUIRE_MESSAGE(output.find("stored " + std::to_string(decisions.size()) + " decision(s)") != std::string::npos, output);
}

// `count` texts, Japanese and English, none like another.
std::vector<std::string> texts(const std::string& theme, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i)
    out.push_back(theme + " " + std::to_string(i) + "：第" + std::to_string(i) + "回のお知らせ about item " +
                  std::to_string(i * 7 + 3));
  return out;
}

// Every text of `bodies` with the same label.
std::vector<Taught> labelled(const std::vector<std::string>& bodies, bool spam) {
  std::vector<Taught> out;
  for (const std::string& body : bodies) out.push_back({body, spam});
  return out;
}

// `a`, then `b`.
std::vector<Taught> operator+(std::vector<Taught> a, const std::vector<Taught>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Waits until the wall clock has moved to a later second: decisions are
// stamped in whole seconds, and "newer" must mean newer.
void next_second() {
  const auto now = std::chrono::system_clock::now();
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(now) + 50ms);
}

// The decision in effect on node i for the text `body` (its latest row), "" when none.
std::string decision_on(const LearningCluster& cluster, int i, const std::string& body) {
  return sqlite_query(cluster.nodes[i]->database_path(),
                      "SELECT decision FROM feedback WHERE body = '" + body + "' ORDER BY id DESC LIMIT 1");
}

// True when a /spamgate/model answer counts `spam` and `ham` decisions, its model rebuilt from all of them.
bool counts_are(const json& model, int spam, int ham) {
  return model.value("spam", -1) == spam && model.value("ham", -1) == ham && model.value("exact", false);
}

}  // namespace

TEST_CASE("a node joining with its own 50 decisions: every node counts the union, newest wins, a restart merges nothing again") {
  constexpr int kJoiner = 2;
  LearningCluster cluster(3, {kJoiner});
  // Texts both sides decided, in turns: the joiner first (older), then the cluster; the cluster first, then the joiner (newer).
  const std::vector<std::string> joiner_older = texts("どちらも判定したA", 10);
  const std::vector<std::string> joiner_newer = texts("どちらも判定したB", 10);
  const std::vector<std::string> joiner_own = texts("参加ノードだけの判定", 30);
  const std::vector<std::string> cluster_own = texts("クラスタだけの判定", 20);
  const std::vector<std::string> own_spam(joiner_own.begin(), joiner_own.begin() + 12);
  const std::vector<std::string> own_ham(joiner_own.begin() + 12, joiner_own.end());
  const std::vector<std::string> cluster_spam(cluster_own.begin(), cluster_own.begin() + 14);
  const std::vector<std::string> cluster_ham(cluster_own.begin() + 14, cluster_own.end());

  // The joiner, still on its own: 10 ham it will be overruled on, 30 of its own.
  learn(cluster, kJoiner, "older", labelled(joiner_older, false) + labelled(own_spam, true) + labelled(own_ham, false));
  next_second();
  // The cluster (through node 1's store and the shared stream): spam on all 20 overlapping texts, 20 of its own.
  learn(cluster, 0, "cluster",
        labelled(joiner_older, true) + labelled(joiner_newer, true) + labelled(cluster_spam, true) +
            labelled(cluster_ham, false));
  next_second();
  // The joiner overrules the cluster on the other 10: ham, later.
  learn(cluster, kJoiner, "newer", labelled(joiner_newer, false));
  REQUIRE(cluster.cli(kJoiner, "model").find("learned from 12 spam and 38 ham") != std::string::npos);
  for (int i : {0, 1})
    REQUIRE_MESSAGE(eventually([&] { return counts_are(cluster.model(i), 34, 6); }, 10s), cluster.model(i).dump(),
                    cluster.logs());

  // The joiner starts on the shared state.
  cluster.nodes[kJoiner]->stop();
  std::ofstream(cluster.nodes[kJoiner]->config_path(), std::ios::app) << shared_toml(cluster.redis, node_name(kJoiner));
  REQUIRE_MESSAGE(cluster.nodes[kJoiner]->restart(), tail(cluster.nodes[kJoiner]->log()));

  // The union, newest wins: the joiner's 10 older ham become spam, its 10 newer ham stay ham.
  constexpr int kSpam = 10 + 12 + 14, kHam = 10 + 18 + 6;
  auto every_node_counts_the_union = [&] {
    for (int i = 0; i < 3; ++i)
      if (!counts_are(cluster.model(i), kSpam, kHam)) return false;
    return true;
  };
  CHECK_MESSAGE(eventually(every_node_counts_the_union, 15s), cluster.model(0).dump(), "\n", cluster.model(1).dump(), "\n",
                cluster.model(2).dump(), "\n", cluster.logs());
  for (int i = 0; i < 3; ++i) {
    INFO(node_name(i));
    CHECK(cluster.cli(i, "model").find("learned from " + std::to_string(kSpam) + " spam and " + std::to_string(kHam) + " ham") !=
          std::string::npos);
    CHECK(decision_on(cluster, i, joiner_older[3]) == "spam");
    CHECK(decision_on(cluster, i, joiner_newer[3]) == "ham");
    CHECK(decision_on(cluster, i, own_spam[0]) == "spam");
    CHECK(decision_on(cluster, i, cluster_ham[0]) == "ham");
  }
  auto merges_in_stream = [&] { return count_of(cluster.redis.cli({"XRANGE", kKeyPrefix + "learn:stream", "-", "+"}), "\nmerge\n"); };
  CHECK(merges_in_stream() == 1);

  // A restart of the joiner: nothing merged again, and the site still learns through it.
  REQUIRE_MESSAGE(cluster.nodes[kJoiner]->restart(), tail(cluster.nodes[kJoiner]->log()));
  learn(cluster, kJoiner, "after-restart", labelled(texts("再起動後の判定", 1), true));
  CHECK_MESSAGE(eventually([&] {
                  for (int i = 0; i < 3; ++i)
                    if (!counts_are(cluster.model(i), kSpam + 1, kHam)) return false;
                  return true;
                }, 15s),
                cluster.model(0).dump(), "\n", cluster.model(2).dump(), "\n", cluster.logs());
  CHECK(merges_in_stream() == 1);
  CHECK(count_of(cluster.nodes[kJoiner]->log(), "joined the learning stream with its own history") == 1);
}

// ---------------------------------------------------------------------------
// `spamgate status`: each node's lag.

namespace {

// How many stream entries `node` is behind, as `spamgate status` on node i prints it; -1 when not listed.
int lag_of(const LearningCluster& cluster, int i, const std::string& node, std::string* output = nullptr) {
  const std::string status = cluster.cli(i, "status");
  if (output) *output = status;
  std::smatch m;
  if (!std::regex_search(status, m, std::regex("\n  " + node + ": applied \\S+, ([0-9]+) behind\n"))) return -1;
  return std::stoi(m[1]);
}

// One owner click on node i.
void click(const LearningCluster& cluster, int i, int comment_id) {
  const json body = {{"decision", comment_id % 2 ? "spam" : "ham"}, {"comment_id", comment_id}, {"author", "閲覧者"},
                     {"email", "reader" + std::to_string(comment_id) + "@example.jp"},
                     {"body", "コメント " + std::to_string(comment_id) + " の判定です"}};
  const HttpResponse r = api("POST", cluster.url(i, "/spamgate/feedback"), body.dump());
  REQUIRE_MESSAGE(r.status == 200, r.status, " ", r.body, "\n", cluster.logs());
}

// Continues a stopped process when the test leaves, whatever happened.
struct Resumed {
  SpamgateServer& node;
  ~Resumed() { node.signal(SIGCONT); }
};

}  // namespace

TEST_CASE("spamgate status shows a stopped node's lag grow while events arrive, and shrink to none once it runs again") {
  LearningCluster cluster(3);
  click(cluster, 0, 1);
  std::string status;
  auto all_caught_up = [&] {
    for (int n = 0; n < 3; ++n)
      if (lag_of(cluster, 0, node_name(n), &status) != 0) return false;
    return true;
  };
  // Positions are published every 5 s.
  REQUIRE_MESSAGE(eventually(all_caught_up, 15s), status, cluster.logs());

  cluster.nodes[2]->signal(SIGSTOP);
  Resumed resumed{*cluster.nodes[2]};
  for (int id = 2; id <= 4; ++id) click(cluster, 0, id);
  CHECK_MESSAGE(lag_of(cluster, 0, "web3", &status) == 3, status);
  for (int id = 5; id <= 8; ++id) click(cluster, 1, id);
  CHECK_MESSAGE(lag_of(cluster, 1, "web3", &status) == 7, status);  // every node's status says so
  // The running nodes catch up at once (their lines within one publication).
  CHECK_MESSAGE(eventually([&] { return lag_of(cluster, 0, "web1", &status) == 0 && lag_of(cluster, 0, "web2", &status) == 0; }, 8s),
                status);
  CHECK_MESSAGE(lag_of(cluster, 0, "web3", &status) == 7, status);

  cluster.nodes[2]->signal(SIGCONT);
  const auto resumed_at = std::chrono::steady_clock::now();
  CHECK_MESSAGE(eventually([&] { return lag_of(cluster, 0, "web3", &status) == 0; }, 10s), status, cluster.logs());
  MESSAGE("web3 listed as caught up " << std::chrono::duration<double>(std::chrono::steady_clock::now() - resumed_at).count()
                                      << " s after SIGCONT");
  for (int i = 0; i < 3; ++i) CHECK_MESSAGE(counts_are(cluster.model(i), 4, 4), node_name(i), ": ", cluster.model(i).dump());
}

// ---------------------------------------------------------------------------
// The site's review screen in WordPress, with three nodes behind it.

namespace {

const std::string kOwner = "owner@example.org";

// Debian's WordPress with the spamgate plugin behind three `spamgate serve`
// nodes on one Redis: nginx with the shipped locations and an upstream of
// the three for the site, /webN/ for node N alone, MariaDB, PHP-FPM running
// WordPress's PHP, and spamgate's mail going to a real SMTP server. The
// plugin's SPAMGATE_URL is node 3 (/web3).
struct WordPressCluster {
  TempDir work{"spamgate-wpcluster"};
  std::string docroot = work / "docroot";
  TestCa ca = make_test_ca(work.path(), "smtp");
  SmtpServer smtp{work / "smtp", ca};
  MariaDb db;
  Redis redis;
  std::unique_ptr<PhpFpm> fpm;
  std::vector<std::unique_ptr<SpamgateServer>> nodes;
  std::unique_ptr<Nginx> nginx;
  std::unique_ptr<WordPress> wp;

  WordPressCluster() {
    REQUIRE_MESSAGE(db.wait_until_ready(), db.error_log());
    std::string error;
    REQUIRE_MESSAGE(db.create_database("wordpress", "wordpress", "wordpress-test-password", &error), error);
    PhpFpmOptions fpm_options;
    fpm_options.children = 6;
    fpm = std::make_unique<PhpFpm>(fpm_options);
    REQUIRE_MESSAGE(fpm->wait_until_listening(), fpm->error_log());

    MailTomlOptions mail;
    mail.owners = {kOwner};
    std::vector<std::string> addresses;
    for (int i = 0; i < 3; ++i) {
      SpamgateOptions o;
      o.upstream = fpm->address();
      o.document_root = docroot;  // PHP-FPM runs WordPress's own PHP
      o.rules_text = spamgate::testing::kTestRules;
      o.shared_secret = kSecret;
      o.threads = 8;
      o.extra_toml = mail_toml(smtp, ca.ca_cert, mail) + shared_toml(redis, node_name(i));
      nodes.push_back(std::make_unique<SpamgateServer>(o));
    }
    for (auto& node : nodes) {
      REQUIRE_MESSAGE(node->wait_until_listening(), tail(node->log()));
      addresses.push_back(node->address());
    }

    nginx = std::make_unique<Nginx>(wordpress_nginx_options(docroot, addresses, fpm->address(), direct_locations(addresses)));
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());

    WordPressOptions wp_options;
    wp_options.docroot = docroot;
    wp_options.site_url = nginx->url("");
    wp_options.db_socket = db.socket_path();
    wp_options.admin_email = kOwner;
    wp_options.moderation = true;
    wp_options.constants["SPAMGATE_URL"] = "'" + url(2, "") + "'";
    wp_options.constants["SPAMGATE_SECRET"] = "'" + kSecret + "'";
    // Every comment here comes from loopback within seconds.
    wp_options.mu_plugins["test-no-flood.php"] = "add_filter( 'wp_is_comment_flood', '__return_false', 99 );";
    wp = std::make_unique<WordPress>(wp_options);
    std::string output;
    REQUIRE_MESSAGE(wp->install(&output), output);
  }

  // Node i alone.
  std::string url(int i, const std::string& path) const { return nginx->url("/" + node_name(i) + path); }

  // Points the plugin's SPAMGATE_URL at node i (wp-config.php, read afresh by every PHP CLI run).
  void plugin_talks_to(int i) {
    const std::string config_path = docroot + "/wp-config.php";
    std::string config = spamgate::testing::read_file(config_path);
    config = std::regex_replace(config, std::regex("define\\( 'SPAMGATE_URL', '[^']*' \\);"),
                                "define( 'SPAMGATE_URL', '" + url(i, "") + "' );");
    write_file(config_path, config);
  }

  // Posts a comment on WordPress's first post through node i, as a visitor whose form was shown 20 s ago.
  HttpResponse post_comment(int i, const std::string& author, const std::string& text) const {
    return http_post_form(url(i, "/wp-comments-post.php"),
                          {{"comment_post_ID", std::to_string(wp->post_id())}, {"author", author},
                           {"email", "hanako@example.jp"}, {"url", ""}, {"comment", text}, {"submit", "Post Comment"},
                           {"sg_website", ""}, {"sg_token", form_token(kSecret, 20)}});
  }

  // WordPress's comments (any status) whose text is `text`.
  std::vector<WpComment> comments_with(const std::string& text) const {
    std::vector<WpComment> out;
    for (WpComment& c : wp->comments())
      if (c.content == text) out.push_back(std::move(c));
    return out;
  }

  std::string logs() const {
    std::string out;
    for (size_t i = 0; i < nodes.size(); ++i)
      out += "--- " + node_name(static_cast<int>(i)) + " ---\n" + tail(nodes[i]->log()) + "\n";
    return out + "--- WordPress ---\n" + tail(wp->debug_log());
  }
};

// The site's review list as node i answers it (GET /spamgate/submissions?QUERY).
json review_list(const WordPressCluster& site, int i, const std::string& query = "") {
  const HttpResponse r = api("GET", site.url(i, "/spamgate/submissions" + query));
  CHECK_MESSAGE(r.status == 200, node_name(i), ": ", r.status, " ", r.body.substr(0, 300), " ", r.error);
  return parse(r.body);
}

// The row of node i's store for the blocked submission whose body is `text`: its id, "" when none.
std::string stored_id(const SpamgateServer& node, const std::string& text) {
  return sqlite_query(node.database_path(),
                      "SELECT id FROM submissions WHERE json_extract(content, '$.body') = '" + text + "'");
}

}  // namespace

TEST_CASE("a comment node 2 rejected is listed by node 1 and rescued in WordPress's screen through node 3, into WordPress once") {
  WordPressCluster site;
  const std::string author = "山田花子";
  const std::string text = "spamword という名前の猫を飼っています。この記事の写真がとても可愛かったです！";
  const HttpResponse rejected = site.post_comment(1, author, text);
  REQUIRE_MESSAGE(rejected.status == 403, rejected.status, " ", rejected.body.substr(0, 300), "\n", site.logs());
  CHECK(site.comments_with(text).empty());  // rejected at the door: not in WordPress

  // Node 2 holds it; node 1 lists it from the site's mirror, without a row of its own.
  std::string id;
  REQUIRE_MESSAGE(eventually([&] { return !(id = stored_id(*site.nodes[1], text)).empty(); }), site.logs());
  CHECK(stored_id(*site.nodes[0], text).empty());
  CHECK(stored_id(*site.nodes[2], text).empty());
  json listed;
  REQUIRE_MESSAGE(eventually([&] {
                    listed = review_list(site, 0);
                    return at(listed, "/total") == 1;
                  }, 20s),
                  listed.dump(), "\n", site.logs());
  CHECK(at(listed, "/partial") == false);
  CHECK(at(listed, "/items/0/id") == id);
  CHECK(at(listed, "/items/0/body") == text);
  CHECK(at(listed, "/items/0/author") == author);
  CHECK(at(listed, "/items/0/action") == "reject");

  // The owner, in WordPress's screen (the plugin asks node 3): finds it with its reason, clicks "Not spam", then
  // follows the same link again.
  std::filesystem::create_directories(SPAMGATE_BUILD_DIR "/artifacts");
  const std::string screenshot = SPAMGATE_BUILD_DIR "/artifacts/review-screen-cluster.png";
  std::string output;
  const int status = run("/usr/bin/python3 '" SPAMGATE_SOURCE_DIR "/tests/e2e/browser/rescue_twice.py' --site '" +
                             site.nginx->url("") + "' --user admin --password admin-test-password --rescue " +
                             shell_quote(text) + " --reason \"The test's spam word\" --screenshot '" + screenshot +
                             "' 2>&1",
                         &output);
  REQUIRE_MESSAGE(status == 0, output, "\n", site.logs());
  const json seen = parse(output.substr(output.rfind("\n{") == std::string::npos ? 0 : output.rfind("\n{") + 1));
  INFO("the browser saw: ", seen.dump());
  CHECK(at(seen, "/rescue_id") == id);
  CHECK(at(seen, "/second_ok") == true);
  CHECK(at(seen, "/first_notice").get<std::string>().find("1 comment rescued") != std::string::npos);
  CHECK(at(seen, "/second_notice").get<std::string>().find("1 comment was rescued before") != std::string::npos);
  CHECK(count_of(site.nodes[2]->log(), "endpoint=submissions") >= 3);  // the plugin asked node 3: the list, the two clicks
  MESSAGE("review screen screenshot: " << screenshot);

  // In WordPress once, with the visitor's name and text, waiting for moderation.
  std::vector<WpComment> rescued = site.comments_with(text);
  REQUIRE_MESSAGE(rescued.size() == 1, rescued.size(), " comments\n", site.logs());
  CHECK(rescued[0].author == author);
  CHECK(rescued[0].approved == "0");
  CHECK(rescued[0].post_id == site.wp->post_id());
  CHECK(rescued[0].meta["_spamgate_id"] == id);
  CHECK(rescued[0].meta["_spamgate_outcome"] == "rescued");
  // Decided for the site: no node lists it as blocked any more, every node knows it was not spam.
  for (int i = 0; i < 3; ++i) {
    INFO(node_name(i));
    CHECK(at(review_list(site, i), "/total") == 0);
    CHECK(at(review_list(site, i, "?decided=1"), "/items/0/id") == id);
    CHECK(at(review_list(site, i, "?decided=1"), "/items/0/decision") == "ham");
  }

  // "Not spam" once more with the plugin talking to node 1: the plugin's own rescue finds the comment it made.
  site.plugin_talks_to(0);
  const std::string again = site.wp->php("require_once '" SPAMGATE_SOURCE_DIR "/php-shim/includes/settings.php';\n"
                                         "echo wp_json_encode( spamgate_review_decide( '" + id + "', 'ham' ) );");
  const json decided = parse(again.substr(std::min(again.find('{'), again.size())));
  CHECK_MESSAGE(at(decided, "/error") == "", again);
  CHECK_MESSAGE(at(decided, "/created") == false, again);
  CHECK_MESSAGE(at(decided, "/comment_id") == rescued[0].id, again);
  CHECK(site.comments_with(text).size() == 1);
}

// The site's review mirror: how a blocked row is encoded for Redis and read
// back (Japanese text intact, malformed entries refused with a reason), and
// against a real redis-server two "nodes" that list, decide, rescue and
// erase each other's blocked submissions, including after Redis was away,
// and that a slow review call never takes Redis away from the request path.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "shared/erased_addresses.h"
#include "shared/redis_config.h"
#include "shared/review_mirror.h"
#include "shared/review_mirror_codec.h"
#include "shared/review_mirror_scripts.h"
#include "store/submission_record.h"
#include "support/redis_test_server.h"

namespace spamgate {
namespace {

using testing::have_redis;
using testing::link_to;
using testing::RedisServer;
using testing::unused_port;

constexpr int64_t kNow = 1800000000;

// A blocked row as the log stores it: `id` (16 hex digits), hit by `rules`.
SubmissionRecord blocked(const std::string& id, int64_t created_at, const std::string& body,
                         Action action = Action::reject, std::vector<std::string> rules = {"PHARMA"},
                         SubmissionKind kind = SubmissionKind::comment, const std::string& email = "hanako@example.jp") {
  Submission s;
  s.kind = kind;
  s.author = "山田花子";
  s.email = email;
  s.body = body;
  s.ip = "192.0.2.44";
  s.endpoint = kind == SubmissionKind::comment ? "/wp-comments-post.php" : "/contact";
  if (kind == SubmissionKind::form) {
    s.form_name = "cf7";
    s.form_id = "12";
  }
  Verdict v;
  v.action = action;
  for (const std::string& rule : rules) v.hits.push_back({rule, 6, "「" + rule + "」"});
  v.score = 6.0 * static_cast<double>(rules.size());
  return make_submission_record(id, s, v, TimePoint{std::chrono::seconds(created_at)});
}

std::string id_of(int n) {
  char text[17];
  std::snprintf(text, sizeof text, "%016x", n);
  return text;
}

TEST_CASE("review mirror rows: Japanese text, hits and the node survive the round trip") {
  const SubmissionRecord row = blocked(id_of(1), kNow, "ご投稿ありがとうございます。激安ブランド品はこちら \"quoted\"\n",
                                       Action::hold, {"PHARMA", "日本語ルール"}, SubmissionKind::form);
  const std::string encoded = encode_mirrored_submission(row, "web-東京");
  Result<MirroredSubmission> back = decode_mirrored_submission(encoded);
  REQUIRE_MESSAGE(back.ok(), back.error());
  CHECK(back->node == "web-東京");
  CHECK(back->record.id == row.id);
  CHECK(back->record.created_at == kNow);
  CHECK(back->record.action == "hold");
  CHECK(back->record.kind == "form");
  CHECK(back->record.rules == "PHARMA,日本語ルール");
  CHECK(back->record.hits == row.hits);
  CHECK(back->record.score == doctest::Approx(12));
  const SubmissionContent content = read_submission_content(back->record.content);
  CHECK(content.author == "山田花子");
  CHECK(content.body == "ご投稿ありがとうございます。激安ブランド品はこちら \"quoted\"\n");
  CHECK(content.form_name == "cf7");
  // What the script indexes by: the form, and the address only as its digest.
  const nlohmann::json fields = nlohmann::json::parse(encoded);
  CHECK(fields["form_name"] == "cf7");
  CHECK(fields["form_id"] == "12");
  CHECK(fields["email_sha256"] == mirror_email_key("Hanako@Example.JP"));
  CHECK(encoded.find("\"email_sha256\":\"" + mirror_email_key("hanako@example.jp")) != std::string::npos);
  CHECK(mirror_email_key("hanako@example.jp").size() == 64);
  CHECK(mirror_email_key("") == "");
}

TEST_CASE("review mirror rows: malformed entries are refused with a reason, never a crash") {
  const std::string good = encode_mirrored_submission(blocked(id_of(2), kNow, "本文"), "web1");
  auto with = [&](const char* name, const nlohmann::json& value) {
    nlohmann::json row = nlohmann::json::parse(good);
    if (value.is_discarded()) row.erase(name);
    else row[name] = value;
    return row.dump();
  };
  const std::pair<std::string, std::string> cases[] = {
      {"", "not a JSON object"},
      {"{\"id\":", "not a JSON object"},
      {"[1,2]", "not a JSON object"},
      {"\xff\xfe", "not a JSON object"},
      {with("id", nlohmann::json::value_t::discarded), "\"id\" is not a string"},
      {with("id", "../../etc"), "\"id\" is not 16 hex digits"},
      {with("action", "pass"), "\"action\" is not hold, reject or discard"},
      {with("created_at", "昨日"), "\"created_at\" is not an integer"},
      {with("score", nullptr), "\"score\" is not a number"},
      {with("content", 42), "\"content\" is not a string"},
      {with("content", ""), "\"content\" is empty"},
      {with("node", nlohmann::json::array()), "\"node\" is not a string"},
  };
  for (const auto& bad : cases) {  // (no structured binding: clang 14 cannot capture one in CHECK_MESSAGE)
    Result<MirroredSubmission> row = decode_mirrored_submission(bad.first);
    CHECK_MESSAGE(!row.ok(), bad.first);
    if (!row.ok()) CHECK(row.error() == bad.second);
  }
  CHECK(decode_mirrored_submission(good).ok());
}

// Two nodes' mirrors on one real Redis.
struct TwoNodes {
  RedisServer server{unused_port()};
  RedisLink link_a{link_to(server.port(), "web1")}, link_b{link_to(server.port(), "web2")};
  ReviewMirror a{link_a, {.retention_days = 30}}, b{link_b, {.retention_days = 30}};
};

std::vector<std::string> ids(const ReviewPage& page) {
  std::vector<std::string> out;
  for (const SubmissionRecord& r : page.items) out.push_back(r.id);
  return out;
}

TEST_CASE("review mirror: a row blocked on one node is listed, filtered and decided on the other") {
  if (!have_redis()) return;
  TwoNodes nodes;
  nodes.a.offer({blocked(id_of(10), kNow - 30, "激安のお薬はこちら"),
                 blocked(id_of(11), kNow - 20, "Cheap pills here", Action::hold),
                 blocked(id_of(12), kNow - 10, "お問い合わせ: 在庫はありますか", Action::discard, {"LINKS_3"},
                         SubmissionKind::contact)});
  nodes.b.offer({blocked(id_of(13), kNow - 5, "カジノで稼ぐ", Action::reject, {"CASINO", "PHARMA"}, SubmissionKind::form)});
  REQUIRE(nodes.a.push(kNow).ok());
  REQUIRE(nodes.b.push(kNow).ok());
  CHECK(nodes.a.mirrored() == 3);
  CHECK(nodes.a.pending() == 0);

  ReviewQuery all;
  Result<ReviewPage> page = nodes.b.review(all, kNow);
  REQUIRE_MESSAGE(page.ok(), page.error());
  CHECK(page->total == 4);
  CHECK(ids(*page) == std::vector<std::string>{id_of(13), id_of(12), id_of(11), id_of(10)});  // newest first
  REQUIRE(page->reasons.size() == 3);
  CHECK(page->reasons[0].rule == "PHARMA");
  CHECK(page->reasons[0].hits == 3);
  CHECK(read_submission_content(page->items[3].content).body == "激安のお薬はこちら");

  ReviewQuery by_rule;
  by_rule.rule = "PHARMA";
  by_rule.per_page = 2;
  by_rule.page = 2;
  page = nodes.a.review(by_rule, kNow);
  REQUIRE(page.ok());
  CHECK(page->total == 3);
  CHECK(ids(*page) == std::vector<std::string>{id_of(10)});
  CHECK(page->reasons.size() == 3);  // reasons ignore the rule filter

  ReviewQuery filtered;
  filtered.kind = "form";
  filtered.form_name = "cf7";
  filtered.form_id = "12";
  CHECK(ids(*nodes.a.review(filtered, kNow)) == std::vector<std::string>{id_of(13)});
  filtered = {};
  filtered.actions = {"hold"};
  CHECK(ids(*nodes.a.review(filtered, kNow)) == std::vector<std::string>{id_of(11)});
  filtered = {};
  filtered.exclude_held_comments = true;
  filtered.since = kNow - 25;
  CHECK(ids(*nodes.a.review(filtered, kNow)) == std::vector<std::string>{id_of(13), id_of(12)});
  filtered = {};
  filtered.text = "在庫";
  page = nodes.a.review(filtered, kNow);
  CHECK(ids(*page) == std::vector<std::string>{id_of(12)});
  CHECK(page->total == 1);
  filtered.text = "CHEAP";  // ASCII letters match in either case, as the store's LIKE
  CHECK(ids(*nodes.a.review(filtered, kNow)) == std::vector<std::string>{id_of(11)});

  // Node b decides on node a's row; node a sees it decided, and off the undecided list.
  Result<std::optional<ReviewDecision>> decided = nodes.b.decide(id_of(10), "ham", kNow + 1);
  REQUIRE(decided.ok());
  REQUIRE(decided->has_value());
  CHECK_FALSE((*decided)->previous.has_value());
  CHECK((*decided)->record.kind == "comment");
  Result<std::optional<SubmissionRecord>> found = nodes.a.find(id_of(10));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->decision == "ham");
  CHECK((*found)->decided_at == kNow + 1);
  CHECK(nodes.a.review(all, kNow)->total == 3);
  ReviewQuery decided_only;
  decided_only.state = ReviewState::decided;
  CHECK(ids(*nodes.a.review(decided_only, kNow)) == std::vector<std::string>{id_of(10)});
  CHECK((*nodes.a.decide(id_of(10), "spam", kNow + 2))->previous == "ham");
  CHECK_FALSE(nodes.a.find(id_of(99))->has_value());

  // A rescue is claimed once for the site.
  CHECK(*nodes.a.claim_delivery(id_of(12)));
  CHECK_FALSE(*nodes.b.claim_delivery(id_of(12)));
  REQUIRE(nodes.b.release_delivery(id_of(12)).ok());
  CHECK(*nodes.b.claim_delivery(id_of(12)));
}

TEST_CASE("review mirror: privacy export and erase by address reach every node's rows, by digest only") {
  if (!have_redis()) return;
  TwoNodes nodes;
  nodes.a.offer({blocked(id_of(20), kNow - 9, "一通目", Action::reject, {"PHARMA"}, SubmissionKind::comment, "taro@example.jp")});
  nodes.b.offer({blocked(id_of(21), kNow - 8, "二通目", Action::hold, {"CASINO"}, SubmissionKind::contact, "Taro@Example.JP"),
                 blocked(id_of(22), kNow - 7, "別の人", Action::reject, {"CASINO"})});
  REQUIRE(nodes.a.push(kNow).ok());
  REQUIRE(nodes.b.push(kNow).ok());
  Result<std::vector<SubmissionRecord>> rows = nodes.a.by_email("TARO@example.jp", 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].id == id_of(21));
  // No key names the address itself.
  Result<RedisReply> keys = nodes.link_a.run({"KEYS", "*taro*"});
  REQUIRE(keys.ok());
  CHECK(keys->elements.empty());

  CHECK(*nodes.b.erase_email("taro@example.jp") == 2);
  CHECK(nodes.a.by_email("taro@example.jp", 10)->empty());
  CHECK_FALSE(nodes.a.find(id_of(20))->has_value());
  ReviewQuery all;
  all.state = ReviewState::any;
  CHECK(ids(*nodes.a.review(all, kNow)) == std::vector<std::string>{id_of(22)});
  ReviewQuery casino;
  casino.rule = "CASINO";
  CHECK(nodes.a.review(casino, kNow)->total == 1);
}

TEST_CASE("review mirror: a malformed entry in Redis is skipped and counted; the rest is listed") {
  if (!have_redis()) return;
  TwoNodes nodes;
  nodes.a.offer({blocked(id_of(30), kNow - 3, "まともな行")});
  REQUIRE(nodes.a.push(kNow).ok());
  const std::string p = nodes.link_a.key("review:");
  for (const char* key : {"idx:all", "idx:undecided"}) REQUIRE(nodes.link_a.run({"ZADD", p + key, std::to_string(kNow - 1), id_of(31)}).ok());
  REQUIRE(nodes.link_a.run({"HSET", p + "item:" + id_of(31), "row", "{\"id\": \"壊れた"}).ok());
  REQUIRE(nodes.link_a.run({"ZADD", p + "idx:all", std::to_string(kNow - 2), id_of(32)}).ok());
  REQUIRE(nodes.link_a.run({"HSET", p + "item:" + id_of(32), "row", encode_mirrored_submission(blocked(id_of(33), kNow - 2, "x"), "web1"), "decision", "ham", "decided_at", "1"}).ok());
  Result<ReviewPage> page = nodes.b.review(ReviewQuery{}, kNow);
  REQUIRE(page.ok());
  CHECK(ids(*page) == std::vector<std::string>{id_of(30)});  // 31 unreadable
  CHECK(nodes.b.malformed() == 1);
  ReviewQuery any;
  any.state = ReviewState::any;
  CHECK(ids(*nodes.b.review(any, kNow)) == std::vector<std::string>{id_of(30)});  // 32's row names another id
  CHECK(nodes.b.malformed() == 3);
  // A malformed row that reaches the writing script is counted there and stores nothing.
  Result<RedisReply> written = nodes.link_a.eval(kMirrorRows, {erased_addresses_key(nodes.link_a)},
                                                 {p, std::to_string(kNow), "2592000", "{\"id\":1}", "[]"});
  REQUIRE(written.ok());
  REQUIRE(written->elements.size() == 3);
  CHECK(written->elements[0].integer == 0);
  CHECK(written->elements[1].integer == 2);
  CHECK(written->elements[2].integer == 0);
}

TEST_CASE("review mirror: rows blocked while Redis is away wait within the budget and arrive after it is back") {
  if (!have_redis()) return;
  const int port = unused_port();
  RedisLink link(link_to(port, "web1"));
  ReviewMirror mirror(link, {.retention_days = 30, .pending_budget = 3});
  mirror.offer({blocked(id_of(40), kNow - 4, "一"), blocked(id_of(41), kNow - 3, "二")});
  CHECK_FALSE(mirror.push(kNow).ok());  // no Redis at all
  CHECK(mirror.decide(id_of(41), "spam", kNow).ok() == false);  // kept too
  mirror.offer({blocked(id_of(42), kNow - 2, "三")});
  CHECK(mirror.pending() == 3);  // the budget: the oldest row went
  CHECK(mirror.dropped() == 1);
  RedisServer server(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // past the link's backoff
  REQUIRE(mirror.push(kNow).ok());
  CHECK(mirror.pending() == 0);
  ReviewQuery any;
  any.state = ReviewState::any;
  Result<ReviewPage> page = mirror.review(any, kNow);
  REQUIRE(page.ok());
  CHECK(ids(*page) == std::vector<std::string>{id_of(42), id_of(41)});
  CHECK(page->items[1].decision == "spam");  // the decision waited for its row
}

TEST_CASE("review mirror: rows trimmed over the budget while they are being sent are mirrored, not lost or miscounted") {
  if (!have_redis()) return;
  RedisServer server{unused_port()};
  RedisLink link{link_to(server.port(), "web1")};
  // Three rows wait (the budget), two go per call. While the first two are
  // on their way, the owner decides on the third (not mirrored yet, so the
  // decision waits too) and the oldest row is trimmed over the budget.
  ReviewMirror* mirror_seen = nullptr;
  bool decided = false;
  ReviewMirror mirror(link, {.retention_days = 30, .pending_budget = 3, .rows_per_call = 2, .after_send = [&] {
                               if (decided) return;
                               decided = true;
                               (void)mirror_seen->decide(id_of(72), "spam", kNow);
                             }});
  mirror_seen = &mirror;
  mirror.offer({blocked(id_of(70), kNow - 3, "一通目"), blocked(id_of(71), kNow - 2, "二通目"),
                blocked(id_of(72), kNow - 1, "三通目")});
  REQUIRE(mirror.push(kNow).ok());
  CHECK(decided);
  CHECK(mirror.pending() == 0);
  CHECK(mirror.dropped() == 0);  // the trimmed row had been sent: mirrored, not dropped
  ReviewQuery any;
  any.state = ReviewState::any;
  Result<ReviewPage> page = mirror.review(any, kNow);
  REQUIRE(page.ok());
  CHECK(ids(*page) == std::vector<std::string>{id_of(72), id_of(71), id_of(70)});  // the third row was not lost
  CHECK(page->items[0].decision == "spam");
}

TEST_CASE("review mirror: a decision trimmed while it is being sent leaves the next one queued; a failed send counts it dropped") {
  if (!have_redis()) return;
  RedisServer server{unused_port()};
  RedisLink link_a{link_to(server.port(), "web1")}, link_b{link_to(server.port(), "web2")};
  ReviewMirror* mirror_seen = nullptr;
  bool decided = false;
  ReviewMirror a(link_a, {.retention_days = 30, .pending_budget = 2, .after_send = [&] {
                            if (decided) return;
                            decided = true;
                            (void)mirror_seen->decide(id_of(82), "ham", kNow);  // row 82 is nowhere: it waits
                          }});
  mirror_seen = &a;
  ReviewMirror b(link_b, {.retention_days = 30});
  // Two decisions wait: on row 80 (never mirrored) and on row 81 (mirrored
  // by the other node meanwhile). While the first is sent, a third trims it.
  CHECK_FALSE(a.decide(id_of(80), "spam", kNow)->has_value());
  CHECK_FALSE(a.decide(id_of(81), "spam", kNow)->has_value());
  b.offer({blocked(id_of(81), kNow - 1, "別のノードの行")});
  REQUIRE(b.push(kNow).ok());
  REQUIRE(a.push(kNow).ok());
  CHECK(decided);
  CHECK(a.pending() == 0);
  CHECK(a.dropped() == 0);
  Result<std::optional<SubmissionRecord>> found = b.find(id_of(81));
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->decision == "spam");  // the decision behind the trimmed one was sent, not skipped

  // Redis gone while a decision is sent and trimmed: that one is dropped, and counted.
  decided = false;
  CHECK_FALSE(a.decide(id_of(83), "spam", kNow)->has_value());
  CHECK_FALSE(a.decide(id_of(84), "spam", kNow)->has_value());
  server.stop();
  CHECK_FALSE(a.push(kNow).ok());
  CHECK(a.pending() == 2);  // 84 and 82's decision after the trim
  CHECK(a.dropped() == 1);
}

// The list's reasons as rule -> hits.
std::map<std::string, int64_t> reasons_of(ReviewMirror& mirror, const ReviewQuery& query, int64_t now) {
  Result<ReviewPage> page = mirror.review(query, now);
  REQUIRE_MESSAGE(page.ok(), page.error());
  std::map<std::string, int64_t> out;
  for (const RuleCount& reason : page->reasons) out[reason.rule] = reason.hits;
  return out;
}

// The same matches with since = 1: the mirror then counts by intersecting
// the indexes, not from its kept counts.
std::map<std::string, int64_t> reasons_by_intersection(ReviewMirror& mirror, ReviewQuery query, int64_t now) {
  query.since = 1;
  return reasons_of(mirror, query, now);
}

TEST_CASE("review mirror: the kept reasons counts follow rows written again, decided, erased and expired") {
  if (!have_redis()) return;
  TwoNodes nodes;
  const std::vector<SubmissionRecord> rows = {
      blocked(id_of(60), kNow - 100, "薬の宣伝", Action::reject, {"PHARMA"}),
      blocked(id_of(61), kNow - 90, "保留のコメント", Action::hold, {"PHARMA", "CASINO"}),
      blocked(id_of(62), kNow - 80, "お問い合わせ", Action::discard, {"日本語ルール"}, SubmissionKind::contact,
              "taro@example.jp"),
      blocked(id_of(63), kNow - 30 * 86400 + 50, "古いフォーム", Action::reject, {"PHARMA", "日本語ルール"},
              SubmissionKind::form)};
  nodes.a.offer(rows);
  REQUIRE(nodes.a.push(kNow).ok());
  ReviewQuery screen;  // the screen's default: undecided, held comments left to WordPress
  screen.exclude_held_comments = true;
  ReviewQuery everything;
  everything.state = ReviewState::any;
  ReviewQuery decided;
  decided.state = ReviewState::decided;
  using Counts = std::map<std::string, int64_t>;
  auto check_all = [&](int64_t now, const Counts& on_screen, const Counts& in_all, const Counts& in_decided) {
    CHECK(reasons_of(nodes.b, screen, now) == on_screen);
    CHECK(reasons_by_intersection(nodes.b, screen, now) == on_screen);
    CHECK(reasons_of(nodes.b, everything, now) == in_all);
    CHECK(reasons_by_intersection(nodes.b, everything, now) == in_all);
    CHECK(reasons_of(nodes.b, decided, now) == in_decided);
    CHECK(reasons_by_intersection(nodes.b, decided, now) == in_decided);
  };
  check_all(kNow, {{"PHARMA", 2}, {"日本語ルール", 2}}, {{"PHARMA", 3}, {"CASINO", 1}, {"日本語ルール", 2}}, {});

  nodes.a.offer(rows);  // written again (a node copying its rows anew): counted once
  REQUIRE(nodes.a.push(kNow).ok());
  check_all(kNow, {{"PHARMA", 2}, {"日本語ルール", 2}}, {{"PHARMA", 3}, {"CASINO", 1}, {"日本語ルール", 2}}, {});

  REQUIRE(nodes.b.decide(id_of(60), "spam", kNow).ok());
  REQUIRE(nodes.a.decide(id_of(60), "ham", kNow + 1).ok());  // changed mind: still one decided row
  check_all(kNow, {{"PHARMA", 1}, {"日本語ルール", 2}}, {{"PHARMA", 3}, {"CASINO", 1}, {"日本語ルール", 2}},
            {{"PHARMA", 1}});
  Result<ReviewPage> screen_page = nodes.b.review(screen, kNow);
  REQUIRE(screen_page.ok());
  CHECK(ids(*screen_page) == std::vector<std::string>{id_of(62), id_of(63)});
  CHECK(screen_page->total == 2);

  REQUIRE(nodes.b.erase_email("taro@example.jp").ok());
  check_all(kNow, {{"PHARMA", 1}, {"日本語ルール", 1}}, {{"PHARMA", 3}, {"CASINO", 1}, {"日本語ルール", 1}},
            {{"PHARMA", 1}});

  // 150 s later row 63 is past the 30 days' retention.
  check_all(kNow + 150, {}, {{"PHARMA", 2}, {"CASINO", 1}}, {{"PHARMA", 1}});
  Result<ReviewPage> later = nodes.b.review(screen, kNow + 150);
  REQUIRE(later.ok());
  CHECK(later->total == 0);
  CHECK(later->items.empty());
}

// A Redis that stops answering for `ms`: CLIENT PAUSE holds every client's
// commands, as a busy or swapping Redis would.
void pause_redis(RedisLink& link, int ms) {
  REQUIRE(link.run({"CLIENT", "PAUSE", std::to_string(ms), "ALL"}).ok());
}

TEST_CASE("review mirror: its own link and timeout; a review call that times out leaves the request path's link up") {
  if (!have_redis()) return;
  RedisServer server{unused_port()};
  Config config;
  config.shared.redis = "redis://127.0.0.1:" + std::to_string(server.port()) + "/0";
  config.shared.node = "web1";
  config.shared.timeout_ms = 10;
  config.shared.review_timeout_ms = 150;
  Result<RedisLinkOptions> request_options = redis_link_options(config);
  Result<RedisLinkOptions> review_options = review_link_options(config);
  REQUIRE(request_options.ok());
  REQUIRE(review_options.ok());
  CHECK(review_options->timeout == std::chrono::milliseconds(150));
  CHECK(review_options->key_prefix == request_options->key_prefix);
  RedisLink request_path(*request_options);
  RedisLink review_link(*review_options);
  ReviewMirror mirror(review_link, {.retention_days = 30});
  mirror.offer({blocked(id_of(50), kNow - 5, "遅いRedisでも一覧は出る")});
  REQUIRE(mirror.push(kNow).ok());
  ReviewQuery any;
  any.state = ReviewState::any;

  // Slower than the request path's 10 ms, within the review's 150 ms: answered.
  pause_redis(request_path, 60);
  Result<ReviewPage> slow = mirror.review(any, kNow);
  REQUIRE_MESSAGE(slow.ok(), slow.error());
  CHECK(ids(*slow) == std::vector<std::string>{id_of(50)});

  // Redis stuck beyond the review timeout: the review calls fail (the
  // handler answers partial from its own store) until the review link is down...
  pause_redis(request_path, 1200);
  for (int call = 0; call < 4; ++call) CHECK_FALSE(mirror.review(any, kNow).ok());
  CHECK_FALSE(mirror.find(id_of(50)).ok());
  CHECK_FALSE(review_link.up());
  // ...while the request path never noticed: up, no outage, no fallback.
  CHECK(request_path.up());
  CHECK(request_path.counters().outages == 0);
  CHECK(request_path.counters().fallbacks == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // the pause is over
  CHECK(request_path.run({"PING"}).ok());
  CHECK(request_path.up());
}

}  // namespace
}  // namespace spamgate

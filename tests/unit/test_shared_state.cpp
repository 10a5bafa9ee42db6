// Shared state against a real redis-server (Debian's, started here on a
// free loopback port; the cases are skipped when it is not installed):
// two "nodes" in one process, each with its own SQLite store and its own
// RedisLink, must share rate limits, duplicates, mail caps, the alert, the
// leader, the learning events and the site's digests, and fall back to
// local state at once when Redis is gone.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "mail/mail_caps.h"
#include "shared/leader_lease.h"
#include "shared/redis_link.h"
#include "shared/shared_history.h"
#include "shared/site_mail_claims.h"
#include "store/feedback_log.h"
#include "store/stored_history.h"
#include "support/redis_test_server.h"
#include "support/temp_dir.h"
#include "support/time_at.h"

namespace spamgate {
namespace {

using testing::at;
using testing::have_redis;
using testing::link_to;
using testing::RedisServer;
using testing::unused_port;


FeedbackRecord decision(const std::string& decision, int64_t comment_id, const std::string& body) {
  FeedbackRecord f;
  f.decision = decision;
  f.comment_id = comment_id;
  f.body = body;
  f.author = "someone";
  f.source = "wordpress";
  f.created_at = 1700000000 + comment_id;
  return f;
}

// One node's learning side: its own store, feedback log, learner and channel.
struct LearningNode {
  testing::TempDir dir{"spamgate-node"};
  std::unique_ptr<FeedbackLog> log;
  std::unique_ptr<Learner> learner;
  std::unique_ptr<FeedbackChannel> channel;

  LearningNode(RedisLink* redis, int snapshot_every) {
    const std::string db = dir / "spamgate.db";
    auto opened = FeedbackLog::open(db);
    REQUIRE(opened.ok());
    log = std::move(*opened);
    learner = std::make_unique<Learner>(*log, 1);
    auto channel_opened = FeedbackChannel::open(db, *log, redis, learner.get(), snapshot_every);
    REQUIRE(channel_opened.ok());
    channel = std::move(*channel_opened);
  }
  size_t labels() {
    auto rows = log->labels();
    REQUIRE(rows.ok());
    return rows->size();
  }
};

// Two nodes' mail caps on one Redis, with `per_hour` for the site.
struct TwoMailNodes {
  RedisServer server{unused_port()};
  RedisLink link_a{link_to(server.port(), "a")}, link_b{link_to(server.port(), "b")};
  testing::TempDir dir;
  ManualClock clock{at(1'700'000'000)};
  std::pair<std::unique_ptr<MailCaps>, std::unique_ptr<MailCaps>> caps;

  explicit TwoMailNodes(int per_hour) {
    MailCapsConfig config;
    config.per_hour = per_hour;
    auto a = MailCaps::open(dir / "a.db", config, clock, &link_a);
    auto b = MailCaps::open(dir / "b.db", config, clock, &link_b);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    caps = {std::move(*a), std::move(*b)};
  }
};

}  // namespace

TEST_CASE("a RedisLink that cannot connect is down at once, warns once and fails fast until its backoff") {
  RedisLink link(link_to(unused_port(), "a"));
  CHECK_FALSE(link.ping().ok());
  CHECK_FALSE(link.up());
  CHECK(link.counters().outages == 1);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) CHECK_FALSE(link.run({"PING"}).ok());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(50));  // no connect attempts
  CHECK(link.counters().outages == 1);
  CHECK(link.counters().fallbacks == 101);
}

TEST_CASE("a connection made before an outage does not start a second one after Redis is back") {
  if (!have_redis()) return;
  const int port = unused_port();
  auto server = std::make_unique<RedisServer>(port);
  RedisLink link(link_to(port, "a"));
  REQUIRE(link.ping().ok());  // a pooled connection
  REQUIRE(link.run_blocking({"XREAD", "BLOCK", "1", "STREAMS", "s", "0"}, std::chrono::milliseconds(1)).ok());
  server->stop();  // SIGKILL: both connections are dead, neither knows yet
  CHECK_FALSE(link.ping().ok());
  CHECK(link.counters().outages == 1);
  server = std::make_unique<RedisServer>(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past the link's first backoff
  REQUIRE(link.ping().ok());
  CHECK(link.up());
  // The stream reader's connection is from before the outage: it is made
  // again, not taken for a new outage.
  CHECK(link.run_blocking({"XREAD", "BLOCK", "1", "STREAMS", "s", "0"}, std::chrono::milliseconds(1)).ok());
  CHECK(link.up());
  CHECK(link.counters().outages == 1);
}

TEST_CASE("shared history: two nodes draw on one rate bucket and see each other's duplicates") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  StoredHistory local_a, local_b;
  SharedHistory a(link_a, local_a), b(link_b, local_b);
  int allowed = 0;
  for (int i = 0; i < 12; ++i) allowed += (i % 2 ? a : b).take_rate_token("203.0.113.9", 1, 6, at(1000 + i * 0.01));
  CHECK(allowed == 6);  // one node's allowance, not two
  CHECK(a.take_rate_token("203.0.113.10", 1, 6, at(1000)));  // another address has its own bucket
  CHECK(b.take_rate_token("203.0.113.9", 60, 6, at(1002)));   // refilled at its rate (1 per second)

  CHECK_FALSE(a.seen_recently(0xfeedULL, 3600, at(2000)));
  CHECK(b.seen_recently(0xfeedULL, 3600, at(2010)));
  CHECK_FALSE(b.seen_recently(0xfeedULL, 5, at(2030)));  // outside a 5 s window

  server.stop();  // Redis gone: each node's own history answers
  CHECK(a.seen_recently(0xfeedULL, 3600, at(2040)));   // node a saw it itself
  CHECK_FALSE(a.seen_recently(0xbeefULL, 3600, at(2041)));
  CHECK_FALSE(link_a.up());
}

TEST_CASE("shared mail caps: the hourly cap and the daily alert hold for both nodes together") {
  if (!have_redis()) return;
  TwoMailNodes nodes(3);
  auto& [a, b] = nodes.caps;
  int sent = 0;
  for (int i = 0; i < 6; ++i) {
    auto decided = (i % 2 ? a : b)->admit(OutboxKind::notification, {"owner@example.org"});
    REQUIRE(decided.ok());
    sent += decided->verdict == CapVerdict::send;
  }
  CHECK(sent == 3);
  auto first = a->claim_alert();
  auto second = b->claim_alert();
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first);
  CHECK_FALSE(*second);  // one alert a day for the site, not one per node
}

TEST_CASE("site digest claims: one node takes the period and every part, after every node had time to offer one") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  SiteMailClaims a(link_a), b(link_b);
  constexpr int64_t kPeriod = 86400, kGrace = 3, t = 1'700'000'000;
  auto turn = [&](SiteMailClaims& node, const std::string& part, int64_t now) {
    Result<ReviewDigestTurn> got = node.review_digest(part, now, kPeriod, kGrace);
    REQUIRE(got.ok());
    return *got;
  };
  CHECK_FALSE(turn(a, "a@0", t).claimed);  // due from now: the others get the grace to offer theirs
  CHECK_FALSE(turn(b, "b@1", t + 1).claimed);
  CHECK_FALSE(turn(a, "a@2", t + 2).claimed);
  ReviewDigestTurn taken = turn(b, "b@3", t + 3);
  REQUIRE(taken.claimed);
  CHECK(taken.previous == 0);
  std::sort(taken.parts.begin(), taken.parts.end());
  CHECK(taken.parts == std::vector<std::string>{"a@2", "b@3"});  // each node's latest part
  CHECK_FALSE(taken.mailed_until);
  // Each node hears where its mailed part ended (its next part starts there); the offer is dropped.
  ReviewDigestTurn next_a = turn(a, "a@4 (from t+2)", t + 4);
  CHECK_FALSE(next_a.claimed);
  CHECK(next_a.mailed_until == std::optional<int64_t>(t + 2));
  CHECK(turn(b, "b@4", t + 4).mailed_until == std::optional<int64_t>(t + 3));
  CHECK_FALSE(turn(a, "a@5", t + 5).mailed_until);
  // One period later, the same again: nobody claims before the grace.
  CHECK_FALSE(turn(a, "a@P", t + 3 + kPeriod).claimed);
  CHECK_FALSE(turn(b, "b@P", t + 4 + kPeriod).claimed);
  ReviewDigestTurn second = turn(a, "a@P+3", t + 6 + kPeriod);
  REQUIRE(second.claimed);
  CHECK(second.previous == t + 3);
  std::sort(second.parts.begin(), second.parts.end());
  CHECK(second.parts == std::vector<std::string>{"a@P+3", "b@P"});

  server.stop();  // Redis gone: the caller hears so at once and mails its own digest
  CHECK_FALSE(a.review_digest("a", t, kPeriod, kGrace).ok());
}

TEST_CASE("site storm digest: one node per interval; the other hears when its turn can come") {
  if (!have_redis()) return;
  TwoMailNodes nodes(1);
  auto& [a, b] = nodes.caps;
  ManualClock& clock = nodes.clock;
  const std::vector<std::string> owner = {"owner@example.org"};
  CHECK(a->admit(OutboxKind::notification, owner)->verdict == CapVerdict::send);
  CHECK(b->admit(OutboxKind::notification, owner)->verdict == CapVerdict::hold);  // the site's hour is spent
  CHECK(a->admit(OutboxKind::notification, owner)->verdict == CapVerdict::hold);
  clock.advance(std::chrono::minutes(60));
  REQUIRE(a->digest_due());
  REQUIRE(b->digest_due());
  auto first = a->begin_digest();
  auto second = b->begin_digest();
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first == DigestStart::write);
  CHECK(*second == DigestStart::other_node);  // one storm digest for the site, not one per node
  CHECK_FALSE(b->digest_due());
  // b holds on until a's interval (the second one of the storm: 120 minutes) is over.
  const auto wait = *b->next_digest_at() - clock.now();
  CHECK(wait > std::chrono::minutes(119));
  CHECK(wait <= std::chrono::minutes(120) + std::chrono::seconds(1));

  nodes.server.stop();  // Redis gone: each node writes its own rather than none
  clock.advance(std::chrono::minutes(121));
  auto alone = b->begin_digest();
  REQUIRE(alone.ok());
  CHECK(*alone == DigestStart::write);
}

TEST_CASE("leader lease: one node leads, the other sees who") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  LeaderLease a(link_a, std::chrono::seconds(2)), b(link_b, std::chrono::seconds(2));
  CHECK(a.refresh());
  CHECK_FALSE(b.refresh());
  CHECK(b.leader() == "a");
  CHECK(a.refresh());  // renewed, still a
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // a stopped renewing: the lease runs out
  CHECK(b.refresh());
  CHECK_FALSE(a.refresh());
}

TEST_CASE("learning stream: a decision on one node is applied by the other, in stream order") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_b(link_to(server.port(), "b"));
  LearningNode a(&link_a, 500), b(&link_b, 500);
  REQUIRE(a.channel->record(decision("spam", 1, "cheap pills")).ok());
  REQUIRE(b.channel->record(decision("ham", 1, "cheap pills")).ok());  // the same comment, decided again on b
  REQUIRE(a.channel->sync().ok());
  REQUIRE(b.channel->sync().ok());
  for (LearningNode* node : {&a, &b}) {
    auto labels = node->log->labels();
    REQUIRE(labels.ok());
    REQUIRE(labels->size() == 1);
    CHECK(labels->front().decision == "ham");  // the later click wins everywhere
    CHECK(node->learner->current()->counts().ham == 1);
  }
  CHECK(a.channel->position() == b.channel->position());
  auto length = link_a.run({"XLEN", link_a.key("learn:stream")});
  CHECK_FALSE(b.channel->forget_email("").ok());  // refused here: nothing published
  auto after = link_a.run({"XLEN", link_a.key("learn:stream")});
  REQUIRE(length.ok());
  REQUIRE(after.ok());
  CHECK(after->integer == length->integer);
}

TEST_CASE("learning stream: a decision succeeds while the node's own learning thread reads the stream") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link(link_to(server.port(), "a"));
  LearningNode a(&link, 500);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) (void)a.channel->wait_and_sync(std::chrono::milliseconds(50));
  });
  int stored = 0;
  for (int i = 1; i <= 30; ++i) stored += a.channel->record(decision("spam", i, "race " + std::to_string(i))).ok();
  stop = true;
  reader.join();
  CHECK(stored == 30);  // never "not read back" because the reader applied it first
  CHECK(a.labels() == 30);
}

TEST_CASE("learning stream: a late node catches up from the snapshot the leader wrote before trimming") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  RedisLink link_a(link_to(server.port(), "a")), link_c(link_to(server.port(), "c"));
  LearningNode a(&link_a, 10);
  for (int i = 1; i <= 25; ++i) REQUIRE(a.channel->record(decision(i % 3 ? "spam" : "ham", i, "text " + std::to_string(i))).ok());
  auto compacted = a.channel->compact();
  REQUIRE(compacted.ok());
  CHECK(*compacted);
  auto length = link_a.run({"XLEN", link_a.key("learn:stream")});
  REQUIRE(length.ok());
  CHECK(length->integer <= 1);  // trimmed behind the snapshot
  REQUIRE(a.channel->record(decision("ham", 26, "after the snapshot")).ok());

  LearningNode c(&link_c, 10);
  auto synced = c.channel->sync();
  REQUIRE(synced.ok());
  CHECK(c.labels() == 26);
  CHECK(c.learner->current()->counts().spam == a.learner->current()->counts().spam);
  CHECK(c.learner->current()->counts().ham == a.learner->current()->counts().ham);
  CHECK(c.channel->position() == a.channel->position());
}

TEST_CASE("learning stream: a decision taken while Redis is away is kept and published once it is back") {
  if (!have_redis()) return;
  const int port = unused_port();
  RedisLink link_a(link_to(port, "a")), link_b(link_to(port, "b"));
  LearningNode a(&link_a, 500), b(&link_b, 500);
  REQUIRE(a.channel->record(decision("spam", 7, "while away")).ok());  // no Redis at all yet
  CHECK(a.labels() == 1);  // applied here at once
  RedisServer server(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past the link's first backoff
  REQUIRE(link_a.ping().ok());
  REQUIRE(a.channel->sync().ok());
  REQUIRE(b.channel->sync().ok());
  CHECK(b.labels() == 1);
  CHECK(a.labels() == 1);  // not applied twice where it was taken
  // a's history offered as it first joined (the same decision), merged on
  // every node, a too, where it changes nothing; the kept decision is not
  // applied again on a.
  CHECK(a.channel->events_applied() == 1);
  CHECK(b.channel->events_applied() == 2);  // the kept decision and a's history, which b already holds
}

}  // namespace spamgate

namespace spamgate {

TEST_CASE("redis URLs: host, port, db, password, unix sockets; errors never echo the password") {
  auto tcp = parse_redis_url("redis://:s3cret@10.0.0.5:6380/2");
  REQUIRE(tcp.ok());
  CHECK(tcp->host == "10.0.0.5");
  CHECK(tcp->port == 6380);
  CHECK(tcp->db == 2);
  CHECK(tcp->password == "s3cret");
  CHECK(tcp->display == "redis://10.0.0.5:6380/2");  // no password in logs
  auto plain = parse_redis_url("redis://cache");
  REQUIRE(plain.ok());
  CHECK(plain->port == 6379);
  CHECK(plain->db == 0);
  auto v6 = parse_redis_url("redis://[::1]:7000/0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  auto sock = parse_redis_url("unix:/run/redis/redis.sock?db=3");
  REQUIRE(sock.ok());
  CHECK(sock->unix_path == "/run/redis/redis.sock");
  CHECK(sock->db == 3);
  for (const char* bad : {"redis://:pw@host:99999", "redis://host/x", "unix:relative.sock", "unix:/s?x=1",
                          "redis://", "http://host"}) {
    auto parsed = parse_redis_url(bad);
    CHECK_FALSE(parsed.ok());
    if (!parsed.ok()) CHECK(parsed.error().find("pw") == std::string::npos);
  }
}

}  // namespace spamgate

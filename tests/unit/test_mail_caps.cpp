// MailCaps and the worker's cap handling: buckets, folding into digests,
// the daily-cap alert, persistence across restarts, and storms of 10,000
// contact submissions. Fake transport, ManualClock.
#include <doctest/doctest.h>

#include <cstdio>

#include "mail/mail_caps.h"
#include "mail/notifier.h"
#include "mail/outbox.h"
#include "mail/outbox_worker.h"
#include "outbox_test_support.h"
#include "support/mail_decode.h"
#include "support/mail_read.h"
#include "support/temp_dir.h"

using namespace spamgate;
using namespace std::chrono_literals;
using testing::FakeTransport;
using spamgate::testing::TempStore;

namespace {

// Everything a cap test needs, on one store.
struct Rig {
  explicit Rig(MailCapsConfig caps_config = {}) {
    config.mail.caps = caps_config;
    Result<std::unique_ptr<Outbox>> o = Outbox::open(tmp.store_path(), clock, BackoffPolicy::from(config.mail));
    REQUIRE_MESSAGE(o.ok(), o.error());
    outbox = std::move(*o);
    Result<std::unique_ptr<MailCaps>> c = MailCaps::open(tmp.store_path(), config.mail.caps, clock);
    REQUIRE_MESSAGE(c.ok(), c.error());
    caps = std::move(*c);
    worker = std::make_unique<OutboxWorker>(*outbox, *caps, transport, config.mail, clock);
    notifier = std::make_unique<Notifier>(config, *outbox, clock);
  }

  void contact(int n) {
    Submission s;
    s.kind = SubmissionKind::contact;
    s.author = "Spammer " + std::to_string(n);
    s.email = "spammer" + std::to_string(n) + "@example.com";
    s.subject = "Offer " + std::to_string(n);
    s.body = "Line one of message " + std::to_string(n) + "\nLine two\nLine three";
    QueueResult queued = notifier->queue_contact(s, "req-" + std::to_string(n));
    REQUIRE_MESSAGE(queued.ok(), queued.reason);
  }

  int count_subject(const std::string& needle) const {
    int n = 0;
    for (const MailMessage& m : transport.delivered())
      if (testing::field_value(m.data, "Subject").find(needle) != std::string::npos) ++n;
    return n;
  }

  TempStore tmp;
  ManualClock clock;
  Config config = testing::blog_mail_config();
  FakeTransport transport;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<MailCaps> caps;
  std::unique_ptr<OutboxWorker> worker;
  std::unique_ptr<Notifier> notifier;
};

}  // namespace

TEST_CASE("caps: the hourly bucket admits per_hour, then holds and starts folding; a refund gives a token back") {
  ManualClock clock;
  TempStore tmp;
  MailCapsConfig config;
  config.per_hour = 3;
  auto caps = std::move(*MailCaps::open(tmp.store_path(), config, clock));
  const std::vector<std::string> owner = {"owner@blog.test"};
  for (int i = 0; i < 3; ++i) CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::send);
  REQUIRE(caps->refund(OutboxKind::contact, owner).ok());
  CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::send);
  CHECK_FALSE(caps->folding());
  CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::hold);
  CHECK(caps->folding());
  CHECK_FALSE(caps->digest_due());
  // Folding holds even when tokens come back, until the digest time.
  clock.advance(30min);
  CHECK(caps->admit(OutboxKind::notification, owner)->verdict == CapVerdict::hold);
  clock.advance(30min);
  CHECK(caps->digest_due());
  CHECK(*caps->begin_digest() == DigestStart::write);
  CHECK_FALSE(caps->digest_due());
  REQUIRE(caps->end_folding().ok());
  CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::send);
}

TEST_CASE("caps: the state survives a restart (buckets and folding)") {
  ManualClock clock;
  TempStore tmp;
  MailCapsConfig config;
  config.per_hour = 2;
  const std::vector<std::string> owner = {"owner@blog.test"};
  {
    auto caps = std::move(*MailCaps::open(tmp.store_path(), config, clock));
    CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::send);
    CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::send);
  }
  {
    auto caps = std::move(*MailCaps::open(tmp.store_path(), config, clock));
    CHECK_FALSE(caps->folding());
    CHECK(caps->admit(OutboxKind::contact, owner)->verdict == CapVerdict::hold);
  }
  auto caps = std::move(*MailCaps::open(tmp.store_path(), config, clock));
  CHECK(caps->folding());
}

TEST_CASE("caps: a recipient's own hourly bucket holds mail to it") {
  Rig rig([] {
    MailCapsConfig c;
    c.per_recipient_hour = 2;
    return c;
  }());
  for (int i = 0; i < 3; ++i) {
    QueueResult q = rig.notifier->queue_notification({"Note " + std::to_string(i), "text", std::nullopt, "editor@blog.test"});
    REQUIRE(q.ok());
  }
  FlushCounts counts = rig.worker->flush_once();
  CHECK(counts.sent == 2);
  CHECK(counts.held == 1);
}

TEST_CASE("caps: held messages fold into one digest per interval that lists them; retry sends one in full") {
  Rig rig([] {
    MailCapsConfig c;
    c.per_hour = 2;
    return c;
  }());
  for (int i = 0; i < 5; ++i) rig.contact(i);
  FlushCounts counts = rig.worker->flush_once();
  CHECK(counts.sent == 2);
  CHECK(counts.held == 3);
  CHECK(rig.worker->flush_once().sent == 0);  // no digest before the interval
  rig.clock.advance(60min);
  CHECK(rig.worker->flush_once().sent == 1);
  REQUIRE(rig.count_subject("Digest") == 1);
  const MailMessage digest = rig.transport.delivered().back();
  CHECK(digest.recipients == rig.config.mail.owners);
  CHECK(testing::field_value(digest.data, "Subject") == "[blog.test] Digest: 3 messages held by the mail cap");
  const std::string body = testing::decode_quoted_printable(testing::message_body(digest.data));
  CHECK(body.find("3 contact messages, 0 notifications") != std::string::npos);
  for (int i = 2; i < 5; ++i) {
    CHECK(body.find("Subject: [blog.test] Contact: Offer " + std::to_string(i)) != std::string::npos);
    CHECK(body.find("| Line one of message " + std::to_string(i)) != std::string::npos);
  }
  CHECK(body.find("Line three") == std::string::npos);  // two preview lines only

  Result<std::vector<OutboxRow>> folded = rig.outbox->list(OutboxStatus::folded);
  REQUIRE(folded.ok());
  REQUIRE(folded->size() == 3);
  const OutboxRow& one = folded->front();
  CHECK(one.digest_id.has_value());
  CHECK(rig.outbox->get(*one.digest_id)->kind == OutboxKind::digest);
  // The next digest time (the interval doubles while a storm lasts) finds
  // nothing held: folding ends and mail flows again.
  rig.clock.advance(60min);
  CHECK(rig.worker->flush_once().sent == 0);
  CHECK(rig.caps->folding());
  rig.clock.advance(60min);
  CHECK(rig.worker->flush_once().sent == 0);
  CHECK_FALSE(rig.caps->folding());
  REQUIRE(rig.outbox->retry(one.id).ok());
  CHECK(rig.worker->flush_once().sent == 1);
  CHECK(rig.outbox->get(one.id)->status == OutboxStatus::sent);
}

TEST_CASE("caps: over the daily cap sending stops, exactly one alert goes to the owners, and the rest is kept") {
  Rig rig([] {
    MailCapsConfig c;
    c.per_hour = 100;
    c.per_day = 5;
    c.per_recipient_hour = 100;
    c.per_recipient_day = 100;
    return c;
  }());
  rig.config.mail.caps.per_day = 5;
  for (int i = 0; i < 12; ++i) {
    rig.contact(i);
    rig.worker->flush_once();
    rig.clock.advance(1min);
  }
  CHECK(rig.count_subject("Contact: Offer") == 5);
  REQUIRE(rig.count_subject("Mail daily cap reached") == 1);
  CHECK(rig.worker->counters().alerts == 1);
  const std::vector<MailMessage> delivered = rig.transport.delivered();
  const MailMessage* alert = nullptr;
  for (const MailMessage& m : delivered)
    if (testing::field_value(m.data, "Subject").find("daily cap") != std::string::npos) alert = &m;
  REQUIRE(alert != nullptr);
  CHECK(alert->recipients == rig.config.mail.owners);
  CHECK(testing::decode_quoted_printable(testing::message_body(alert->data))
            .find("daily cap reached: 1 message kept in the outbox; run `spamgate outbox list`") != std::string::npos);
  CHECK(*rig.outbox->count(OutboxStatus::held) == 7);
  // More refusals the same day: no second alert.
  for (int i = 12; i < 20; ++i) {
    rig.contact(i);
    rig.worker->flush_once();
    rig.clock.advance(10min);
  }
  CHECK(rig.count_subject("Mail daily cap reached") == 1);
  // Over the next day the held messages come out folded into digests, and
  // nothing is lost: every contact is sent or folded.
  for (int minute = 0; minute < 36 * 60; minute += 5) {
    rig.clock.advance(5min);
    rig.worker->flush_once();
  }
  CHECK(*rig.outbox->count(OutboxStatus::held) == 0);
  CHECK(*rig.outbox->count(OutboxStatus::queued) == 0);
  CHECK(*rig.outbox->count(OutboxStatus::folded) + rig.count_subject("Contact: Offer") == 20);
  CHECK(rig.count_subject("Mail daily cap reached") <= 2);  // at most one per 24 hours
}

TEST_CASE("caps: a test message over the daily cap is deferred, not folded") {
  Rig rig([] {
    MailCapsConfig c;
    c.per_day = 1;
    return c;
  }());
  for (int i = 0; i < 2; ++i)
    REQUIRE(rig.outbox->enqueue(OutboxKind::test, MailMessage{"notify@blog.test", {"owner@blog.test"}, "x"}, "test", "").ok());
  FlushCounts counts = rig.worker->flush_once();
  CHECK(counts.sent == 2);  // the first test message and the alert
  CHECK(counts.deferred == 1);
  CHECK(*rig.outbox->count(OutboxStatus::queued) == 1);
  CHECK(*rig.outbox->count(OutboxStatus::held) == 0);
}

namespace {

struct StormFigures {
  size_t mails = 0;
  int digests = 0;
  int alerts = 0;
  int individual = 0;
};

// `n` contact submissions, one every `spacing`, the worker flushing after
// each; then `tail` more of flushing once a minute. Counts what was mailed.
StormFigures storm(Rig& rig, int n, std::chrono::milliseconds spacing, std::chrono::minutes tail) {
  for (int i = 0; i < n; ++i) {
    rig.contact(i);
    rig.worker->flush_once();
    rig.clock.advance(spacing);
  }
  for (auto t = 0min; t < tail; t += 1min) {
    rig.clock.advance(1min);
    rig.worker->flush_once();
  }
  return {rig.transport.delivered().size(), rig.count_subject("Digest:"), rig.count_subject("daily cap reached"),
          rig.count_subject("Contact:")};
}

}  // namespace

TEST_CASE("caps: 10,000 contact submissions in one hour produce at most per_hour mails and one digest") {
  Rig rig;
  const MailCapsConfig& caps = rig.config.mail.caps;
  const StormFigures f = storm(rig, 10000, 360ms, 3h);
  std::printf("storm, 10000 contacts in 1 hour (per_hour=%d per_day=%d digest=%d min): %zu mails = %d contacts + %d digests + %d alerts\n",
              caps.per_hour, caps.per_day, caps.digest_interval_minutes, f.mails, f.individual, f.digests, f.alerts);
  CHECK(f.individual == caps.per_hour);
  CHECK(f.digests == 1);
  CHECK(f.alerts == 0);
  CHECK(*rig.outbox->count(OutboxStatus::folded) == 10000 - caps.per_hour);
}

TEST_CASE("caps: 10,000 contact submissions over a day produce per_hour mails and digests that grow apart") {
  Rig rig;
  const MailCapsConfig& caps = rig.config.mail.caps;
  const StormFigures f = storm(rig, 10000, 8640ms, 3h);
  std::printf("storm, 10000 contacts in 24 hours (per_hour=%d per_day=%d digest=%d min): %zu mails = %d contacts + %d digests + %d alerts\n",
              caps.per_hour, caps.per_day, caps.digest_interval_minutes, f.mails, f.individual, f.digests, f.alerts);
  CHECK(f.individual == caps.per_hour);
  CHECK(f.digests == 4);  // after 1, 3, 7 and 15 hours; the next is due after 31
  CHECK(f.mails <= static_cast<size_t>(caps.per_day) + 1);
  CHECK(f.alerts <= 1);
  // Nothing lost: what was not mailed is folded or still held for the next digest.
  CHECK(*rig.outbox->count(OutboxStatus::folded) + *rig.outbox->count(OutboxStatus::held) + f.individual == 10000);
}

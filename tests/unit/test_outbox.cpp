// Outbox and OutboxWorker: durability, claiming, backoff, outcomes, retry,
// purge, crash recovery, the sender thread. Fake transport, ManualClock.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "mail/mail_caps.h"
#include "mail/outbox.h"
#include "mail/outbox_worker.h"
#include "mail/sender_lock.h"
#include "outbox_test_support.h"
#include "store/database.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

using namespace spamgate;
using namespace std::chrono_literals;
using testing::FakeTransport;
using spamgate::testing::TempStore;

namespace {

MailMessage message_to(const std::string& to, const std::string& subject = "hello") {
  return MailMessage{"notify@blog.test", {to}, "From: notify@blog.test\r\nSubject: " + subject + "\r\n\r\nbody\r\n"};
}

std::unique_ptr<Outbox> open_outbox(const TempStore& tmp, const Clock& clock, BackoffPolicy backoff = {}) {
  Result<std::unique_ptr<Outbox>> outbox = Outbox::open(tmp.store_path(), clock, backoff);
  REQUIRE_MESSAGE(outbox.ok(), outbox.error());
  return std::move(*outbox);
}

std::unique_ptr<MailCaps> open_caps(const TempStore& tmp, const Clock& clock, MailCapsConfig caps = {}) {
  Result<std::unique_ptr<MailCaps>> opened = MailCaps::open(tmp.store_path(), caps, clock);
  REQUIRE_MESSAGE(opened.ok(), opened.error());
  return std::move(*opened);
}

int64_t enqueue(Outbox& outbox, const std::string& subject = "hello", OutboxKind kind = OutboxKind::notification) {
  Result<int64_t> id = outbox.enqueue(kind, message_to("owner@blog.test", subject), subject, "first line");
  REQUIRE_MESSAGE(id.ok(), id.error());
  return *id;
}

OutboxRow row(Outbox& outbox, int64_t id) {
  Result<OutboxRow> r = outbox.get(id);
  REQUIRE_MESSAGE(r.ok(), r.error());
  return *r;
}

// An outbox, its caps and a worker sending through a FakeTransport, on a
// ManualClock, in a fresh store.
struct WorkerRig {
  explicit WorkerRig(BackoffPolicy backoff = {}) : outbox(open_outbox(tmp, clock, backoff)) {}

  TempStore tmp;
  ManualClock clock;
  Config config = testing::blog_mail_config();
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<MailCaps> caps = open_caps(tmp, clock);
  FakeTransport transport;
  OutboxWorker worker{*outbox, *caps, transport, config.mail, clock};
};

}  // namespace

TEST_CASE("outbox: an enqueued message is committed: another connection sees it, and so does a reopened outbox") {
  TempStore tmp;
  ManualClock clock;
  int64_t id = 0;
  {
    auto outbox = open_outbox(tmp, clock);
    id = enqueue(*outbox, "durable");
    // Another connection, while the outbox is still open.
    Result<Database> other = Database::open(tmp.store_path());
    REQUIRE(other.ok());
    Result<Statement> st = other->prepare("SELECT status, subject, recipients, data FROM outbox WHERE id = ?1");
    REQUIRE(st.ok());
    st->bind(1, id);
    REQUIRE(*st->step());
    CHECK(st->column_text(0) == "queued");
    CHECK(st->column_text(1) == "durable");
    CHECK(st->column_text(2) == R"(["owner@blog.test"])");
    CHECK(st->column_text(3).find("Subject: durable\r\n") != std::string::npos);
  }
  auto reopened = open_outbox(tmp, clock);
  OutboxRow r = row(*reopened, id);
  CHECK(r.status == OutboxStatus::queued);
  CHECK(r.kind == OutboxKind::notification);
  CHECK(r.message.recipients == std::vector<std::string>{"owner@blog.test"});
  CHECK(r.message.envelope_from == "notify@blog.test");
  CHECK(r.preview == "first line");
  CHECK(r.next_attempt_at == unix_seconds(clock.now()));
}

TEST_CASE("outbox: claim_due takes due queued rows once, oldest first, and leaves the rest") {
  TempStore tmp;
  ManualClock clock;
  auto outbox = open_outbox(tmp, clock);
  const int64_t a = enqueue(*outbox, "a");
  const int64_t b = enqueue(*outbox, "b");
  const int64_t c = enqueue(*outbox, "c");
  Result<std::vector<OutboxRow>> first = outbox->claim_due(2);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].id == a);
  CHECK((*first)[1].id == b);
  CHECK(row(*outbox, a).status == OutboxStatus::sending);
  Result<std::vector<OutboxRow>> second = outbox->claim_due(10);
  REQUIRE(second.ok());
  REQUIRE(second->size() == 1);
  CHECK((*second)[0].id == c);
  CHECK(outbox->claim_due(10)->empty());
  // A deferred row is not due until its time.
  REQUIRE(outbox->defer(c, clock.now() + 10s).ok());
  CHECK(outbox->claim_due(10)->empty());
  clock.advance(10s);
  CHECK(outbox->claim_due(10)->size() == 1);
}

TEST_CASE("outbox: temporary failures back off exponentially with jitter, then fail after max_attempts") {
  TempStore tmp;
  ManualClock clock;
  const BackoffPolicy policy{6, 30s, 600s};
  auto outbox = open_outbox(tmp, clock, policy);
  std::set<int64_t> first_delays;
  for (int message = 0; message < 20; ++message) {
    const int64_t id = enqueue(*outbox);
    for (int attempt = 0; attempt < policy.max_attempts; ++attempt) {
      Result<std::vector<OutboxRow>> claimed = outbox->claim_due(1);
      REQUIRE(claimed.ok());
      REQUIRE(claimed->size() == 1);
      REQUIRE(claimed->front().id == id);
      Result<OutboxStatus> next = outbox->mark_temporary_failure(id, "451 4.3.0 try later");
      REQUIRE(next.ok());
      const OutboxRow r = row(*outbox, id);
      CHECK(r.attempts == attempt + 1);
      CHECK(r.last_reply == "451 4.3.0 try later");
      if (attempt + 1 == policy.max_attempts) {
        CHECK(*next == OutboxStatus::failed);
        CHECK(r.status == OutboxStatus::failed);
        break;
      }
      CHECK(*next == OutboxStatus::queued);
      const int64_t delay = r.next_attempt_at - unix_seconds(clock.now());
      const double base = std::min(600.0, 30.0 * (1 << attempt));  // 30, 60, 120, 240, 480, 600
      CHECK(delay >= static_cast<int64_t>(base * 0.5) - 1);
      CHECK(delay <= static_cast<int64_t>(base * 1.5) + 1);
      if (attempt == 0) first_delays.insert(delay);
      // Not due before its time, due at it.
      CHECK(outbox->claim_due(1)->empty());
      clock.set(TimePoint{std::chrono::seconds(r.next_attempt_at)});
    }
  }
  CHECK(first_delays.size() > 3);  // jitter spreads the retries
}

TEST_CASE("worker: 451 is retried after the backoff and then delivered") {
  WorkerRig rig(BackoffPolicy{12, 30s, 3600s});
  rig.transport.then(SendOutcome::temporary_failure, "451 4.3.0 greylisted");
  const int64_t id = enqueue(*rig.outbox);

  FlushCounts first = rig.worker.flush_once();
  CHECK(first.deferred == 1);
  CHECK(first.sent == 0);
  CHECK(row(*rig.outbox, id).status == OutboxStatus::queued);
  CHECK(rig.worker.flush_once().deferred == 0);  // not due yet: nothing attempted
  CHECK(rig.transport.attempts() == 1);

  rig.clock.advance(46s);  // 30 s * at most 1.5
  FlushCounts second = rig.worker.flush_once();
  CHECK(second.sent == 1);
  const OutboxRow r = row(*rig.outbox, id);
  CHECK(r.status == OutboxStatus::sent);
  CHECK(r.attempts == 2);
  CHECK(r.last_reply == "250 2.0.0 OK queued");
  CHECK(r.sent_at == unix_seconds(rig.clock.now()));
  CHECK(rig.worker.counters().temporary_failures == 1);
  CHECK(rig.worker.counters().sent == 1);
  CHECK(rig.transport.delivered().size() == 1);
}

TEST_CASE("worker: 550 is a permanent failure, kept with the server's reply; retry(id) queues it again") {
  WorkerRig rig;
  rig.transport.then(SendOutcome::permanent_failure, "550 5.7.1 relaying denied");
  const int64_t id = enqueue(*rig.outbox);

  FlushCounts counts = rig.worker.flush_once();
  CHECK(counts.failed == 1);
  OutboxRow r = row(*rig.outbox, id);
  CHECK(r.status == OutboxStatus::failed);
  CHECK(r.last_reply == "550 5.7.1 relaying denied");
  CHECK(rig.worker.counters().permanent_failures == 1);
  Result<std::vector<OutboxRow>> failed = rig.outbox->list(OutboxStatus::failed);
  REQUIRE(failed.ok());
  REQUIRE(failed->size() == 1);
  CHECK(failed->front().id == id);
  // Kept: later flushes do not touch it.
  rig.clock.advance(24h);
  CHECK(rig.worker.flush_once().sent == 0);
  CHECK(rig.transport.attempts() == 1);

  CHECK_FALSE(rig.outbox->retry(id + 100).ok());
  REQUIRE(rig.outbox->retry(id).ok());
  CHECK(row(*rig.outbox, id).status == OutboxStatus::queued);
  CHECK(rig.worker.flush_once().sent == 1);
  CHECK(row(*rig.outbox, id).status == OutboxStatus::sent);
  CHECK_FALSE(rig.outbox->retry(id).ok());  // a sent message is not sent again by retry
}

TEST_CASE("outbox: purge deletes old sent rows, keeps failed ones unless asked, and keeps recent and queued ones") {
  TempStore tmp;
  ManualClock clock;
  auto outbox = open_outbox(tmp, clock);
  const int64_t old_sent = enqueue(*outbox, "old sent");
  const int64_t old_failed = enqueue(*outbox, "old failed");
  const int64_t old_queued = enqueue(*outbox, "old queued");
  REQUIRE(outbox->claim_due(2)->size() == 2);
  REQUIRE(outbox->mark_sent(old_sent, "250 ok").ok());
  REQUIRE(outbox->mark_permanent_failure(old_failed, "550 no").ok());
  clock.advance(40 * 24h);
  const int64_t new_sent = enqueue(*outbox, "new sent");
  auto claimed = outbox->claim_due(10);
  REQUIRE(claimed.ok());
  for (const OutboxRow& r : *claimed)
    if (r.id == new_sent) REQUIRE(outbox->mark_sent(new_sent, "250 ok").ok());
    else REQUIRE(outbox->defer(r.id, clock.now() + 1h).ok());

  Result<int64_t> purged = outbox->purge(30, false);
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  CHECK_FALSE(outbox->get(old_sent).ok());
  CHECK(outbox->get(old_failed).ok());
  CHECK(outbox->get(old_queued).ok());
  CHECK(outbox->get(new_sent).ok());
  CHECK(*outbox->purge(30, true) == 1);
  CHECK_FALSE(outbox->get(old_failed).ok());
  CHECK(outbox->get(old_queued).ok());
}

TEST_CASE("outbox: rows a crash left in 'sending' are queued again at start, and the worker delivers them") {
  TempStore tmp;
  ManualClock clock;
  Config config = testing::blog_mail_config();
  int64_t interrupted = 0;
  int64_t waiting = 0;
  {
    auto outbox = open_outbox(tmp, clock);
    interrupted = enqueue(*outbox, "in flight");
    REQUIRE(outbox->claim_due(1)->size() == 1);
    waiting = enqueue(*outbox, "waiting");
    // The process dies here: no mark_sent.
  }
  auto outbox = open_outbox(tmp, clock);
  CHECK(row(*outbox, interrupted).status == OutboxStatus::sending);
  Result<int> recovered = outbox->recover_interrupted();
  REQUIRE(recovered.ok());
  CHECK(*recovered == 1);
  CHECK(row(*outbox, interrupted).status == OutboxStatus::queued);

  auto caps = open_caps(tmp, clock);
  FakeTransport transport;
  OutboxWorker worker(*outbox, *caps, transport, config.mail, clock);
  CHECK(worker.flush_once().sent == 2);
  CHECK(row(*outbox, interrupted).status == OutboxStatus::sent);
  CHECK(row(*outbox, waiting).status == OutboxStatus::sent);
}

TEST_CASE("worker thread: wakes on enqueue, delivers, and stops cleanly") {
  WorkerRig rig;
  REQUIRE(rig.worker.start().ok());
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(enqueue(*rig.outbox, "thread " + std::to_string(i)));
    rig.worker.wake();
  }
  testing::eventually([&] { return rig.transport.delivered().size() >= 3; });
  rig.worker.stop();
  CHECK(rig.transport.delivered().size() == 3);
  for (int64_t id : ids) CHECK(row(*rig.outbox, id).status == OutboxStatus::sent);
  // Stopped: a new message stays queued.
  const int64_t after = enqueue(*rig.outbox, "after stop");
  rig.worker.wake();
  std::this_thread::sleep_for(50ms);
  CHECK(row(*rig.outbox, after).status == OutboxStatus::queued);
}

TEST_CASE("sender lock: one holder at a time; released when the holder goes") {
  TempStore tmp;
  const std::string path = sender_lock_path(tmp.store_path());
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  {
    Result<std::optional<SenderLock>> first = SenderLock::try_acquire(path);
    REQUIRE(first.ok());
    REQUIRE(first->has_value());
    Result<std::optional<SenderLock>> second = SenderLock::try_acquire(path);
    REQUIRE(second.ok());
    CHECK_FALSE(second->has_value());
  }
  Result<std::optional<SenderLock>> after = SenderLock::try_acquire(path);
  REQUIRE(after.ok());
  CHECK(after->has_value());
  CHECK_FALSE(SenderLock::try_acquire("/nonexistent-dir/x.sender-lock").ok());
}

TEST_CASE("worker thread with a sender lock: sends nothing while another process holds it, then takes over") {
  WorkerRig rig;
  const std::string lock_path = sender_lock_path(rig.tmp.store_path());
  Result<std::optional<SenderLock>> other = SenderLock::try_acquire(lock_path);
  REQUIRE(other.ok());
  REQUIRE(other->has_value());
  REQUIRE(rig.worker.start(lock_path).ok());
  const int64_t id = enqueue(*rig.outbox, "waiting for the lock");
  rig.worker.wake();
  std::this_thread::sleep_for(200ms);
  CHECK(rig.transport.delivered().empty());
  CHECK(row(*rig.outbox, id).status == OutboxStatus::queued);

  other->reset();  // the other sender exits
  rig.worker.wake();
  testing::eventually([&] { return !rig.transport.delivered().empty(); });
  rig.worker.stop();
  CHECK(rig.transport.delivered().size() == 1);
  CHECK(row(*rig.outbox, id).status == OutboxStatus::sent);
}

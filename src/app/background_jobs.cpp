#include "app/background_jobs.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "mail/sender_lock.h"
#include "shared/node_positions.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kHistoryPersistInterval = seconds(5);
// How often the log's writer retries rows waiting for the review mirror
// (each committed batch is sent at once; this catches up after an outage).
constexpr auto kReviewMirrorInterval = seconds(1);

// One run of the learning stream job: the stream applied as it grows
// (within 500 ms); while Redis is down, a PING every 200 ms (the link's
// backoff spaces the real attempts) finds it back.
void follow_learning_stream(RedisLink& redis, FeedbackChannel& decisions) {
  if (!redis.up()) {
    std::this_thread::sleep_for(milliseconds(200));
    if (redis.ping()) (void)decisions.sync();
    return;
  }
  if (Result<int> synced = decisions.wait_and_sync(milliseconds(500)); !synced)
    std::this_thread::sleep_for(milliseconds(200));
}

void compact_learning_stream(const RedisLink& redis, FeedbackChannel& decisions) {
  if (!redis.up()) return;
  if (Result<bool> compacted = decisions.compact(); !compacted)
    LogLine("warn").add("msg", "the learning stream could not be compacted").add("error", compacted.error()).write();
}

// One run of the bounce poll: one warning per distinct error, not one per poll.
void poll_bounces(BounceWatch& watch, std::string& last_error) {
  Result<BouncePoll> poll = watch.poll_once();
  if (!poll && poll.error() != last_error)
    LogLine("error").add("msg", "the bounce mailbox could not be read").add("error", poll.error()).write();
  last_error = poll ? "" : poll.error();
}

void send_review_digest_if_due(ReviewDigest& digest) {
  Result<bool> queued = digest.send_if_due();
  if (!queued) LogLine("error").add("msg", "the review digest could not be queued").add("error", queued.error()).write();
  else if (*queued) LogLine("info").add("event", "review_digest_queued").write();
}

// [mail] keep_sent_days: sent and folded mail (a passed contact message
// lives only there) is deleted that long after it was queued.
PeriodicTask sent_mail_retention(Outbox& outbox, int keep_days) {
  return {"sent mail retention", std::chrono::hours(1), [&outbox, keep_days](Database&) -> Status {
            Result<int64_t> purged = outbox.purge(keep_days, false);
            if (!purged) return Error{purged.error()};
            if (*purged > 0) LogLine("info").add("msg", "sent mail purged").add("rows", static_cast<long long>(*purged)).write();
            return Status::success();
          }};
}

}  // namespace

void add_background_jobs(const Config& config, Services& s) {
  JobRunner& jobs = s.jobs;
  const auto add_if = [&jobs](bool needed, auto row) {
    if (needed) jobs.add(std::move(row));
  };
  // Rule files: reloaded when one changed on disk (SIGHUP reloads too, in serve).
  add_if(config.rules.reload_check_seconds > 0,
         Job{.name = "rule file watch",
             .period = seconds(config.rules.reload_check_seconds),
             .run = [&s] {
               if (s.rules->changed_on_disk()) reload_rules(*s.rules, s.metrics, "file changed");
             }});
  // Decisions other processes add to the log (the CLI, other mod_fcgid
  // processes) reach this process's model within poll_seconds; the
  // learner's own thread also rebuilds the model from the log.
  jobs.add(Worker{.name = "learner rebuilds",
                  .start = [&s, poll = seconds(std::max(1, config.learning.poll_seconds))] {
                    s.learner->run_in_background(poll);
                    return Status::success();
                  },
                  .stop = [&s] { s.learner->stop_background(); }});
  // [shared]: the leader lease, renewed well within its 15 s.
  add_if(s.leader != nullptr, Job{.name = "leader lease", .period = seconds(5), .run = [&s] {
                                    s.leader->refresh();
                                    (void)s.redis->ping();
                                  }});
  // [shared]: the learning stream applied as it grows; the leader compacts it.
  add_if(s.redis != nullptr, Job{.name = "learning stream",
                                 .run = [&s] { follow_learning_stream(*s.redis, *s.decisions); }});
  // [shared]: this node's stream position, for every node's `spamgate status`.
  add_if(s.redis != nullptr, Job{.name = "learning stream position",
                                 .period = kNodePositionTtl / 6,
                                 .run = [&s] {
                                   if (s.redis->up()) (void)publish_node_position(*s.redis, s.decisions->position());
                                 }});
  add_if(s.redis != nullptr, Job{.name = "learning stream compaction",
                                 .period = seconds(10),
                                 .leader_only = true,
                                 .run = [&s] { compact_learning_stream(*s.redis, *s.decisions); }});
  // [mail]: the sender, woken after each queued message; its SenderLock
  // lets one process per store send.
  add_if(s.worker != nullptr, Worker{.name = kOutboxSenderJob,
                                     .start = [&s] { return s.worker->start(sender_lock_path(s.db_path)); },
                                     .stop = [&s] { s.worker->stop(); },
                                     .wake = [&s] { s.worker->wake(); }});
  // [mail.bounces]: the account's mailbox; with shared state only the leader reads it.
  add_if(s.bounce_watch && config.mail.bounces.poll_seconds > 0,
         Job{.name = "bounce poll",
             .period = seconds(config.mail.bounces.poll_seconds),
             .leader_only = true,
             .run = [&s, last_error = std::string()]() mutable { poll_bounces(*s.bounce_watch, last_error); }});
  // [review] digest: sent when its period is due (SiteMailClaims picks one node).
  add_if(s.digest && config.review.digest_check_seconds > 0,
         Job{.name = "review digest",
             .period = seconds(config.review.digest_check_seconds),
             .run = [&s] { send_review_digest_if_due(*s.digest); }});
}

std::vector<PeriodicTask> log_writer_tasks(const Config& config, Services& s) {
  std::vector<PeriodicTask> tasks = {s.history->persist_task(s.clock, kHistoryPersistInterval)};
  if (s.outbox) tasks.push_back(sent_mail_retention(*s.outbox, config.mail.keep_sent_days));
  if (ReviewMirror* mirror = s.review_mirror.get())
    tasks.push_back({"review mirror", kReviewMirrorInterval, [mirror, &clock = s.clock](Database&) {
                       // Redis away: the rows wait (spamgate_review_mirror_pending); RedisLink says so once.
                       (void)mirror->push(unix_seconds(clock.now()));
                       return Status::success();
                     }});
  return tasks;
}

void reload_rules(RuleSetHolder& rules, Metrics& metrics, const char* cause) {
  const std::vector<std::string> errors = rules.reload();
  // Compiling a rule set (a large list above all) leaves freed memory that
  // malloc keeps; give it back so a reload does not ratchet the RSS up.
  malloc_trim(0);
  metrics.record_reload(errors.empty());
  if (errors.empty()) LogLine().add("msg", "rules reloaded").add("cause", cause).write();
  for (const std::string& error : errors)
    LogLine("error").add("msg", "rule reload failed; the previous rules stay active").add("error", error).write();
}

}  // namespace spamgate

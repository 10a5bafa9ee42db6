#include "http/serve.h"

#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "bounce/bounce_command.h"
#include "bounce/bounce_log.h"
#include "bounce/bounce_watch.h"
#include "http/fcgi_server.h"
#include "http/gateway.h"
#include "learning/feedback_channel.h"
#include "learning/fuzzy_teacher.h"
#include "learning/learner.h"
#include "mail/curl_smtp_transport.h"
#include "mail/mail_caps.h"
#include "mail/notifier.h"
#include "mail/outbox.h"
#include "mail/outbox_worker.h"
#include "mail/review_digest.h"
#include "mail/sender_lock.h"
#include "shared/leader_lease.h"
#include "shared/redis_config.h"
#include "shared/redis_link.h"
#include "shared/shared_history.h"
#include "store/feedback_log.h"
#include "store/migrations.h"
#include "store/model_store.h"
#include "store/stored_history.h"
#include "store/submission_log.h"
#include "upstream/fastcgi_client.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr auto kHistoryPersistInterval = std::chrono::seconds(5);

// Everything a running gateway uses, built from the config in order and
// torn down in reverse (the sender and the log writer stop before the
// stores they write to close).
struct Services {
  SystemClock clock;
  Metrics metrics;
  std::string shared_secret;
  std::unique_ptr<RuleSetHolder> rules;
  std::unique_ptr<StoredHistory> history;
  std::unique_ptr<RedisLink> redis;              // null unless [shared] redis is set
  std::unique_ptr<SharedHistory> shared_history;  // with redis: RATE_IP and DUPLICATE for all nodes
  std::unique_ptr<LeaderLease> leader;
  std::unique_ptr<FeedbackLog> feedback;
  std::unique_ptr<ModelStore> model_store;  // the learner's last rebuild, loaded at start
  std::unique_ptr<Learner> learner;
  std::unique_ptr<FeedbackChannel> decisions;
  std::unique_ptr<FuzzyMemory> fuzzy;  // null when [checks] fuzzy_memory = 0
  std::unique_ptr<FastCgiClient> upstream;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<MailCaps> caps;
  std::unique_ptr<CurlSmtpTransport> transport;
  std::unique_ptr<OutboxWorker> worker;
  std::unique_ptr<Notifier> notifier;
  std::unique_ptr<BounceLog> bounce_log;      // null unless [mail.bounces] is enabled
  std::unique_ptr<BounceWatch> bounce_watch;
  std::unique_ptr<SubmissionLog> log;  // its writer persists `history` until it stops
  std::unique_ptr<ReviewDigest> digest;  // null when review.digest is off
};

void warn_if_readable_by_others(const std::string& path, const char* what) {
  struct stat info {};
  if (path.empty() || stat(path.c_str(), &info) != 0) return;
  if (info.st_mode & (S_IRGRP | S_IROTH))
    LogLine("warn").add("msg", std::string(what) + " is readable by other users; chmod 600 it").add("path", path).write();
}

bool configured(const SecretRef& ref) { return !ref.file.empty() || !ref.env.empty(); }

// Reads a secret, warning when its file is readable by others.
Result<std::string> read_guarded_secret(const SecretRef& ref, const Config& config, const char* what) {
  if (!ref.file.empty()) warn_if_readable_by_others(config.resolve(ref.file), what);
  Result<std::string> secret = read_secret(ref, config);
  if (!secret) return Error{std::string(what) + ": " + secret.error()};
  return secret;
}

// Registers the sender's counters and the outbox's queued/held/failed
// gauges as spamgate_mail_*. `worker` and `outbox` must outlive `metrics`.
void add_outbox_metrics(Metrics& metrics, const OutboxWorker& worker, Outbox& outbox) {
  const OutboxCounters& c = worker.counters();
  const auto counter = [&](const char* name, const char* help, const std::atomic<uint64_t>& value) {
    metrics.add_external(name, help, "counter", [&value] { return static_cast<double>(value.load()); });
  };
  counter("spamgate_mail_sent_total", "Messages the SMTP server accepted", c.sent);
  counter("spamgate_mail_temporary_failures_total", "Send attempts that failed temporarily", c.temporary_failures);
  counter("spamgate_mail_permanent_failures_total", "Messages that failed permanently (kept as failed)",
          c.permanent_failures);
  counter("spamgate_mail_held_total", "Messages held by the mail caps", c.held);
  counter("spamgate_mail_digests_total", "Digests of held messages written", c.digests);
  counter("spamgate_mail_alerts_total", "Daily-cap alerts written", c.alerts);
  counter("spamgate_mail_errors_total", "Outbox store or compose errors", c.errors);
  const auto gauge = [&](const char* name, const char* help, OutboxStatus status) {
    metrics.add_external(name, help, "gauge", [&outbox, status] {
      Result<int64_t> n = outbox.count(status);
      return n ? static_cast<double>(*n) : -1.0;
    });
  };
  gauge("spamgate_mail_outbox_queued", "Messages waiting in the outbox", OutboxStatus::queued);
  gauge("spamgate_mail_outbox_held", "Messages held for a digest", OutboxStatus::held);
  gauge("spamgate_mail_outbox_failed", "Messages that failed and are kept", OutboxStatus::failed);
}

// Bounce watch reads the account's mailbox from serve's poll thread; its
// log is shared with the stats endpoint (foreign and forged bounces in the
// last week) and the review digest (forged bounces).
Status start_bounce_watch(const Config& config, const std::string& db_path, Services& s) {
  Result<std::string> password = bounce_password(config);
  if (!password) return Error{"mail.bounces.password: " + password.error()};
  auto log = BounceLog::open(db_path);
  if (!log) return Error{log.error()};
  s.bounce_log = std::move(*log);
  if (s.redis) s.bounce_log->recognise_other_nodes(*s.redis);
  OutboxWorker* worker = s.worker.get();
  s.bounce_watch = std::make_unique<BounceWatch>(config, *s.bounce_log, *s.outbox, s.clock, *password,
                                                 [worker] { worker->wake(); });
  const BounceCounters& c = s.bounce_watch->counters();
  const auto counter = [&](const char* name, const char* help, const std::atomic<uint64_t>& value) {
    s.metrics.add_external(name, help, "counter", [&value] { return static_cast<double>(value.load()); });
  };
  counter("spamgate_bounces_own_total", "Bounce reports about mail spamgate sent", c.own);
  counter("spamgate_bounces_foreign_total", "Bounce reports about mail spamgate never sent", c.foreign);
  counter("spamgate_bounces_forged_total",
          "Foreign bounce reports with no sign the site's account sent the mail (its address forged)", c.forged);
  counter("spamgate_bounce_polls_total", "Reads of the bounce mailbox", c.polls);
  counter("spamgate_bounce_poll_errors_total", "Reads of the bounce mailbox that failed", c.poll_errors);
  return Status::success();
}

void add_shared_metrics(Metrics& metrics, const RedisLink& redis, const FeedbackChannel& decisions) {
  metrics.add_external("spamgate_shared_redis_up", "1 while Redis answers; 0 while this node uses its local state",
                       "gauge", [&redis] { return redis.up() ? 1.0 : 0.0; });
  metrics.add_external("spamgate_shared_round_trip_seconds", "The last Redis PING round trip", "gauge",
                       [&redis] { return redis.last_round_trip_ms() / 1000.0; });
  metrics.add_external("spamgate_shared_fallbacks_total", "Redis calls that failed, so local state answered",
                       "counter", [&redis] { return static_cast<double>(redis.counters().fallbacks.load()); });
  metrics.add_external("spamgate_shared_round_trips_total", "Commands this node sent to Redis and waited for",
                       "counter", [&redis] { return static_cast<double>(redis.counters().round_trips.load()); });
  metrics.add_external("spamgate_shared_outages_total", "Times Redis went from answering to not", "counter",
                       [&redis] { return static_cast<double>(redis.counters().outages.load()); });
  metrics.add_external("spamgate_learning_events_applied_total", "Learning events applied from the shared stream",
                       "counter", [&decisions] { return static_cast<double>(decisions.events_applied()); });
  metrics.add_external("spamgate_learning_events_malformed_total",
                       "Learning stream entries that did not decode, skipped", "counter",
                       [&decisions] { return static_cast<double>(decisions.events_malformed()); });
  metrics.add_external("spamgate_learning_snapshots_malformed_total",
                       "Malformed learning snapshots found in Redis, ignored until rebuilt", "counter",
                       [&decisions] { return static_cast<double>(decisions.snapshots_malformed()); });
}

// [shared] redis: the link, the shared history and the leader lease. Redis
// need not be up: until it answers, this node serves on its local state.
Status start_shared(const Config& config, Services& s) {
  warn_if_readable_by_others(config.resolve(config.shared.password.file), "shared.password");
  Result<RedisLinkOptions> options = redis_link_options(config);
  if (!options) return Error{options.error()};
  s.redis = std::make_unique<RedisLink>(*options);
  s.shared_history = std::make_unique<SharedHistory>(*s.redis, *s.history);
  s.leader = std::make_unique<LeaderLease>(*s.redis);
  Result<double> ping = s.redis->ping();
  LogLine(ping ? "info" : "warn")
      .add("msg", ping ? "shared state on Redis" : "Redis does not answer yet; serving on local state")
      .add("redis", s.redis->display())
      .add("node", s.redis->node())
      .add("round_trip_ms", ping ? *ping : -1.0)
      .write();
  if (ping) s.leader->refresh();
  return Status::success();
}

// [mail] keep_sent_days: sent and folded mail (a passed contact message
// lives only there) is deleted that long after it was queued; run hourly
// by the submission log's writer with its other maintenance.
PeriodicTask sent_mail_retention(Outbox& outbox, int keep_days) {
  return {"sent mail retention", std::chrono::hours(1), [&outbox, keep_days](Database&) -> Status {
            Result<int64_t> purged = outbox.purge(keep_days, false);
            if (!purged) return Error{purged.error()};
            if (*purged > 0) LogLine("info").add("msg", "sent mail purged").add("rows", static_cast<long long>(*purged)).write();
            return Status::success();
          }};
}

Status start_mail(const Config& config, const std::string& db_path, Services& s) {
  if (Status valid = validate_transport_config(config.mail); !valid) return Error{"mail: " + valid.error()};
  Result<std::string> password = read_guarded_secret(config.mail.password, config, "mail.password");
  if (!password) return Error{password.error()};
  auto outbox = Outbox::open(db_path, s.clock, BackoffPolicy::from(config.mail));
  if (!outbox) return Error{outbox.error()};
  s.outbox = std::move(*outbox);
  if (s.redis) s.outbox->note_message_ids_in(*s.redis);
  auto caps = MailCaps::open(db_path, config.mail.caps, s.clock, s.redis.get());
  if (!caps) return Error{caps.error()};
  s.caps = std::move(*caps);
  s.transport = std::make_unique<CurlSmtpTransport>(config.mail, *password);
  s.worker = std::make_unique<OutboxWorker>(*s.outbox, *s.caps, *s.transport, config.mail, s.clock);
  OutboxWorker* worker = s.worker.get();
  s.notifier = std::make_unique<Notifier>(config, *s.outbox, s.clock, [worker] { worker->wake(); });
  add_outbox_metrics(s.metrics, *s.worker, *s.outbox);
  if (config.mail.bounces.enabled)
    if (Status watching = start_bounce_watch(config, db_path, s); !watching) return watching;
  return s.worker->start(sender_lock_path(db_path));
}

// Comments, form messages and every other request the web server sends go on
// to PHP-FPM with SCRIPT_FILENAME pinned to WordPress's folder (the route
// table always ends with the pass-through to index.php); without a folder to
// pin to, whoever connects to spamgate would choose the PHP file PHP-FPM
// runs, so serve refuses to start.
Status check_forwarding_root(const Config& config) {
  if (!config.upstream.document_root.empty()) return Status::success();
  return Error{config.source_path + ": [upstream] document_root is not set: name WordPress's folder (the one " +
               "holding wp-comments-post.php and index.php); spamgate runs only files of that folder on PHP-FPM"};
}

Status build_services(const Config& config, Services& s) {
  if (Status rooted = check_forwarding_root(config); !rooted) return rooted;
  warn_if_readable_by_others(config.source_path, "the config file");
  if (configured(config.shared_secret)) {
    Result<std::string> secret = read_guarded_secret(config.shared_secret, config, "shared_secret");
    if (!secret) return Error{secret.error()};
    s.shared_secret = *secret;
  }

  std::vector<std::string> rule_files;
  for (const std::string& file : config.rules.files) rule_files.push_back(config.resolve(file));
  s.rules = std::make_unique<RuleSetHolder>(rule_files);
  if (std::vector<std::string> errors = s.rules->reload(); !errors.empty()) {
    std::string all;
    for (const std::string& error : errors) all += (all.empty() ? "" : "\n") + error;
    return Error{all};
  }

  const std::string db_path = config.resolve(config.store.path);
  // A new store is created 0600; an older one may not be.
  for (const char* part : {"", "-wal", "-shm"}) warn_if_readable_by_others(db_path + part, "the store");
  {
    Result<Database> db = open_store(db_path);  // creates the file and runs every migration
    if (!db) return Error{db_path + ": " + db.error()};
    s.history = std::make_unique<StoredHistory>();
    if (Status loaded = s.history->load(*db, s.clock.now()); !loaded) return Error{db_path + ": " + loaded.error()};
  }
  if (!config.shared.redis.empty())
    if (Status shared = start_shared(config, s); !shared) return shared;
  auto feedback = FeedbackLog::open(db_path);
  if (!feedback) return Error{feedback.error()};
  s.feedback = std::move(*feedback);
  auto model_store = ModelStore::open(db_path);
  if (!model_store) return Error{model_store.error()};
  s.model_store = std::move(*model_store);
  s.learner = std::make_unique<Learner>(*s.feedback, config.learning.min_per_class, s.model_store.get());
  if (Status learned = s.learner->start(); !learned) return Error{db_path + ": " + learned.error()};
  auto decisions = FeedbackChannel::open(db_path, *s.feedback, s.redis.get(), s.learner.get(),
                                         config.shared.snapshot_every);
  if (!decisions) return Error{decisions.error()};
  s.decisions = std::move(*decisions);
  if (s.redis) {
    add_shared_metrics(s.metrics, *s.redis, *s.decisions);
    if (Result<int> caught_up = s.decisions->sync(); !caught_up)
      LogLine("warn").add("msg", "the learning stream could not be read yet").add("error", caught_up.error()).write();
  }
  if (config.checks.fuzzy_memory > 0) {
    // After catching up: the decisions in effect now, then every one applied later.
    s.fuzzy = std::make_unique<FuzzyMemory>(static_cast<size_t>(config.checks.fuzzy_memory),
                                            config.checks.fuzzy_similarity);
    Result<std::vector<FeedbackRecord>> labels = s.feedback->labels();
    if (!labels) return Error{db_path + ": " + labels.error()};
    seed_fuzzy(*s.fuzzy, *labels);
    s.decisions->teach_fuzzy_too(*s.fuzzy);
  }
  s.upstream = std::make_unique<FastCgiClient>(config.upstream);

  if (config.mail.enabled)
    if (Status started = start_mail(config, db_path, s); !started) return started;

  SubmissionLogOptions log_options;
  log_options.retention_days = config.store.retention_days;
  log_options.flush_interval_ms = config.store.flush_interval_ms;
  log_options.budget.per_client_hour = config.review.keep_per_client_hour;
  log_options.budget.max_bytes = int64_t{config.review.keep_total_mb} << 20;
  log_options.keep_passed_days = config.review.keep_passed_days;
  log_options.on_error = [](const std::string& error) {
    LogLine("error").add("msg", "the submission log could not be written").add("error", error).write();
  };
  std::vector<PeriodicTask> tasks = {s.history->persist_task(s.clock, kHistoryPersistInterval)};
  if (s.outbox) tasks.push_back(sent_mail_retention(*s.outbox, config.mail.keep_sent_days));
  auto log = SubmissionLog::open(db_path, log_options, s.clock, std::move(tasks));
  if (!log) return Error{log.error()};
  s.log = std::move(*log);
  s.decisions->erase_submissions_too(*s.log);
  SubmissionLog* log_ptr = s.log.get();
  if (config.review.digest != DigestPeriod::off && s.notifier) {
    auto digest = ReviewDigest::open(db_path, config, *s.log, *s.notifier, s.clock, s.redis.get());
    if (!digest) return Error{digest.error()};
    s.digest = std::move(*digest);
    if (BounceLog* bounces = s.bounce_log.get())
      s.digest->count_forged_bounces_with([bounces](int64_t since) { return bounces->count_forged(since); });
    s.metrics.add_external("spamgate_review_digest_checks_total", "Checks whether a review digest is due.", "counter",
                           [digest = s.digest.get()] { return static_cast<double>(digest->checks()); });
  }
  s.metrics.add_external("spamgate_review_texts_not_kept_total",
                         "Blocked texts not kept for review: over the per-client or total budget, or duplicates",
                         "counter", [log_ptr] { return static_cast<double>(log_ptr->not_kept()); });
  s.metrics.add_external("spamgate_log_rows_dropped_total", "Verdict rows dropped because the write queue was full.",
                         "counter", [log_ptr] { return static_cast<double>(log_ptr->dropped()); });
  return {};
}

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
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

// One step of serve's learning thread: the stream applied as it grows
// (within 500 ms), the leader's compaction every 10 s; while Redis is down,
// a PING every 200 ms (the link's backoff spaces the real attempts).
void follow_learning_stream(Services& services, std::chrono::steady_clock::time_point& next_compact) {
  if (!services.redis->up()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (services.redis->ping()) (void)services.decisions->sync();
    return;
  }
  if (Result<int> synced = services.decisions->wait_and_sync(std::chrono::milliseconds(500)); !synced)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (services.leader->leading() && std::chrono::steady_clock::now() >= next_compact) {
    next_compact = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    if (Result<bool> compacted = services.decisions->compact(); !compacted)
      LogLine("warn").add("msg", "the learning stream could not be compacted").add("error", compacted.error()).write();
  }
}

// A thread that runs `task` every `seconds` (never when seconds <= 0)
// until `stopping` is set; it notices `stopping` within 100 ms.
template <typename Task>
std::thread every(int seconds, const std::atomic<bool>& stopping, Task task) {
  return std::thread([seconds, &stopping, task] {
    if (seconds <= 0) return;
    const auto interval = std::chrono::seconds(seconds);
    auto next = std::chrono::steady_clock::now() + interval;
    while (!stopping.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next) continue;
      next = std::chrono::steady_clock::now() + interval;
      task();
    }
  });
}

}  // namespace

int run_serve(const Config& config) {
  signal(SIGPIPE, SIG_IGN);
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // every thread started below inherits the mask

  Services services;
  if (Status built = build_services(config, services); !built) {
    std::cerr << built.error() << "\n";
    return 2;
  }
  SubmissionHistory* history = services.shared_history ? static_cast<SubmissionHistory*>(services.shared_history.get())
                                                       : services.history.get();
  Gateway gateway({&config, services.rules.get(), history, services.log.get(), services.feedback.get(),
                   services.learner.get(), services.upstream.get(), services.notifier.get(), &services.metrics,
                   &services.clock, services.shared_secret, services.bounce_log.get(), services.decisions.get(),
                   services.redis.get(), services.leader.get(), services.outbox.get(), services.fuzzy.get()});
  FcgiServer server;
  if (Status opened = server.open(config.server); !opened) {
    std::cerr << opened.error() << "\n";
    return 2;
  }
  server.start([&gateway](HttpRequest& request) { return gateway.handle(request); }, config.limits);
  LogLine()
      .add("msg", "spamgate serving")
      .add("listen", config.server.listen.empty() ? "inherited socket" : config.server.listen)
      .add("threads", config.server.threads)
      .add("mail", config.mail.enabled ? "on" : "off")
      .write();

  std::atomic<bool> stopping{false};
  std::thread watcher = every(config.rules.reload_check_seconds, stopping, [&] {
    if (services.rules->changed_on_disk()) reload_rules(*services.rules, services.metrics, "file changed");
  });
  // Decisions other processes add to the log (the CLI, other mod_fcgid
  // processes) reach this process's model within poll_seconds; the
  // learner's own thread rebuilds the model from the log in the background.
  services.learner->run_in_background(std::chrono::seconds(std::max(1, config.learning.poll_seconds)));

  // Shared state: the leader lease (renewed well within its 15 s), and the
  // learning stream applied as it grows; while Redis is down, a PING every
  // 200 ms (the link's backoff spaces the real attempts) finds it back.
  std::thread lease = every(services.leader ? 5 : 0, stopping, [&] {
    services.leader->refresh();
    (void)services.redis->ping();
  });
  std::thread learning_stream([&] {
    if (!services.redis) return;
    auto next_compact = std::chrono::steady_clock::now();
    while (!stopping.load()) {
      // Last resort: whatever a step throws is logged and the loop goes
      // on; the decoders already turn bad Redis data into errors.
      try {
        follow_learning_stream(services, next_compact);
      } catch (const std::exception& e) {
        LogLine("error").add("msg", "the learning thread failed a step; it goes on").add("error", e.what()).write();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
  });

  // Bounce watch: one warning per distinct error, not one per poll. With
  // shared state only the leader reads the mailbox.
  std::string bounce_error;
  std::thread bounce_poll = every(services.bounce_watch ? config.mail.bounces.poll_seconds : 0, stopping, [&] {
    if (services.leader && !services.leader->leading()) return;
    Result<BouncePoll> poll = services.bounce_watch->poll_once();
    if (!poll && poll.error() != bounce_error)
      LogLine("error").add("msg", "the bounce mailbox could not be read").add("error", poll.error()).write();
    bounce_error = poll ? "" : poll.error();
  });
  std::thread digest = every(services.digest ? config.review.digest_check_seconds : 0, stopping, [&] {
    Result<bool> queued = services.digest->send_if_due();
    if (!queued) LogLine("error").add("msg", "the review digest could not be queued").add("error", queued.error()).write();
    else if (*queued) LogLine("info").add("event", "review_digest_queued").write();
  });

  for (;;) {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    reload_rules(*services.rules, services.metrics, "SIGHUP");
  }

  LogLine().add("msg", "spamgate stopping").write();
  stopping = true;
  watcher.join();
  lease.join();
  learning_stream.join();
  digest.join();
  bounce_poll.join();
  server.stop();
  if (services.worker) services.worker->stop();
  if (Status flushed = services.log->flush(); !flushed)
    LogLine("error").add("msg", "the last verdict rows could not be written").add("error", flushed.error()).write();
  return 0;
}

}  // namespace spamgate

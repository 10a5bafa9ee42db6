#include "app/services.h"

#include <sys/stat.h>

#include <utility>
#include <vector>

#include "app/background_jobs.h"
#include "bounce/bounce_command.h"
#include "learning/fuzzy_teacher.h"
#include "learning/learning_stream_metrics.h"
#include "shared/redis_config.h"
#include "store/migrations.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

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

// What a queued message runs: the sender's wake-up, through the job runner.
std::function<void()> wake_the_sender(Services& s) {
  return [&jobs = s.jobs] { jobs.wake(kOutboxSenderJob); };
}

// Bounce watch reads the account's mailbox from serve's poll job; its log
// is shared with the stats endpoint (foreign and forged bounces in the last
// week) and the review digest (forged bounces).
Status build_bounce_watch(const Config& config, Services& s) {
  Result<std::string> password = bounce_password(config);
  if (!password) return Error{"mail.bounces.password: " + password.error()};
  auto log = BounceLog::open(s.db_path);
  if (!log) return Error{log.error()};
  s.bounce_log = std::move(*log);
  if (s.redis) s.bounce_log->recognise_other_nodes(*s.redis);
  s.bounce_watch = std::make_unique<BounceWatch>(config, *s.bounce_log, *s.outbox, s.clock, *password,
                                                 wake_the_sender(s));
  s.bounce_watch->register_metrics(s.metrics);
  return Status::success();
}

// [shared] redis: the link, the shared history and the leader lease. Redis
// need not be up: until it answers, this node serves on its local state.
Status build_shared(const Config& config, Services& s) {
  warn_if_readable_by_others(config.resolve(config.shared.password.file), "shared.password");
  Result<RedisLinkOptions> options = redis_link_options(config);
  if (!options) return Error{options.error()};
  s.redis = std::make_unique<RedisLink>(*options);
  Result<RedisLinkOptions> review_options = review_link_options(config);
  if (!review_options) return Error{review_options.error()};
  s.review_redis = std::make_unique<RedisLink>(*review_options);
  SharedHistoryOptions history_options;
  history_options.defer_decided = config.shared.defer_decided;
  s.shared_history = std::make_unique<SharedHistory>(*s.redis, *s.history, history_options);
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

Status build_mail(const Config& config, Services& s) {
  if (Status valid = validate_transport_config(config.mail); !valid) return Error{"mail: " + valid.error()};
  Result<std::string> password = read_guarded_secret(config.mail.password, config, "mail.password");
  if (!password) return Error{password.error()};
  auto outbox = Outbox::open(s.db_path, s.clock, BackoffPolicy::from(config.mail));
  if (!outbox) return Error{outbox.error()};
  s.outbox = std::move(*outbox);
  if (s.redis) s.outbox->note_message_ids_in(*s.redis);
  auto caps = MailCaps::open(s.db_path, config.mail.caps, s.clock, s.redis.get());
  if (!caps) return Error{caps.error()};
  s.caps = std::move(*caps);
  s.transport = std::make_unique<CurlSmtpTransport>(config.mail, *password);
  s.worker = std::make_unique<OutboxWorker>(*s.outbox, *s.caps, *s.transport, config.mail, s.clock);
  s.notifier = std::make_unique<Notifier>(config, *s.outbox, s.clock, wake_the_sender(s));
  s.worker->register_metrics(s.metrics);
  if (config.mail.bounces.enabled) return build_bounce_watch(config, s);
  return Status::success();
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

}  // namespace

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

  s.db_path = config.resolve(config.store.path);
  const std::string& db_path = s.db_path;
  // A new store is created 0600; an older one may not be.
  for (const char* part : {"", "-wal", "-shm"}) warn_if_readable_by_others(db_path + part, "the store");
  {
    Result<Database> db = open_store(db_path);  // creates the file and runs every migration
    if (!db) return Error{db_path + ": " + db.error()};
    s.history = std::make_unique<StoredHistory>();
    if (Status loaded = s.history->load(*db, s.clock.now()); !loaded) return Error{db_path + ": " + loaded.error()};
  }
  if (!config.shared.redis.empty())
    if (Status shared = build_shared(config, s); !shared) return shared;
  auto feedback = FeedbackLog::open(db_path);
  if (!feedback) return Error{feedback.error()};
  s.feedback = std::move(*feedback);
  auto model_store = ModelStore::open(db_path);
  if (!model_store) return Error{model_store.error()};
  s.model_store = std::move(*model_store);
  s.learner = std::make_unique<Learner>(*s.feedback, config.learning.min_per_class, s.model_store.get());
  if (Status learned = s.learner->start(); !learned) return Error{db_path + ": " + learned.error()};
  auto decisions = FeedbackChannel::open(db_path, *s.feedback, s.redis.get(), s.learner.get(),
                                         config.shared.snapshot_every, &s.clock);
  if (!decisions) return Error{decisions.error()};
  s.decisions = std::move(*decisions);
  if (s.redis) {
    s.redis->register_metrics(s.metrics);
    s.shared_history->register_metrics(s.metrics);
    register_learning_stream_metrics(s.metrics, *s.decisions);
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
    if (Status built = build_mail(config, s); !built) return built;

  SubmissionLogOptions log_options;
  log_options.retention_days = config.store.retention_days;
  log_options.flush_interval_ms = config.store.flush_interval_ms;
  log_options.budget.per_client_hour = config.review.keep_per_client_hour;
  log_options.budget.max_bytes = int64_t{config.review.keep_total_mb} << 20;
  log_options.keep_passed_days = config.review.keep_passed_days;
  log_options.on_error = [](const std::string& error) {
    LogLine("error").add("msg", "the submission log could not be written").add("error", error).write();
  };
  if (s.redis) {
    s.review_mirror = std::make_unique<ReviewMirror>(*s.review_redis, ReviewMirrorOptions{.retention_days = config.store.retention_days});
    s.review_mirror->register_metrics(s.metrics);
    log_options.on_committed = [mirror = s.review_mirror.get(), &clock = s.clock](const std::vector<SubmissionRecord>& rows) {
      mirror->offer(rows);
      (void)mirror->push(unix_seconds(clock.now()));  // what fails waits for the writer's next turn (log_writer_tasks)
    };
  }
  auto log = SubmissionLog::open(db_path, log_options, s.clock, log_writer_tasks(config, s));
  if (!log) return Error{log.error()};
  s.log = std::move(*log);
  if (s.review_mirror)
    s.review_mirror->copy_own_rows_from([log = s.log.get()](int64_t since) { return log->with_text_since(since); });
  s.decisions->erase_submissions_too(*s.log);
  if (config.review.digest != DigestPeriod::off && s.notifier) {
    auto digest = ReviewDigest::open(db_path, config, *s.log, *s.notifier, s.clock, s.redis.get());
    if (!digest) return Error{digest.error()};
    s.digest = std::move(*digest);
    if (BounceLog* bounces = s.bounce_log.get())
      s.digest->count_forged_bounces_with([bounces](int64_t since) { return bounces->count_forged(since); });
    s.digest->register_metrics(s.metrics);
  }
  s.log->register_metrics(s.metrics);
  return {};
}

}  // namespace spamgate

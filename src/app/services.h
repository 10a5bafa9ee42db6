// Services: everything a running gateway uses, built once from the config
// by build_services, in order, and torn down in reverse. Refuses to build
// on a config, secret, rule or store error (the reason is the error, as
// file:line: message for a rule). Builds only: it starts no background
// job (background_jobs.h lists them; serve starts them).
#pragma once

#include <memory>
#include <string>

#include "app/job_runner.h"
#include "bounce/bounce_log.h"
#include "bounce/bounce_watch.h"
#include "config/config.h"
#include "http/metrics.h"
#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "mail/curl_smtp_transport.h"
#include "mail/mail_caps.h"
#include "mail/notifier.h"
#include "mail/outbox.h"
#include "mail/outbox_worker.h"
#include "mail/review_digest.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/rule_set_holder.h"
#include "shared/leader_lease.h"
#include "shared/redis_link.h"
#include "shared/review_mirror.h"
#include "shared/shared_history.h"
#include "store/feedback_log.h"
#include "store/model_store.h"
#include "store/stored_history.h"
#include "store/submission_log.h"
#include "upstream/fastcgi_client.h"
#include "util/clock.h"
#include "util/result.h"

namespace spamgate {

// Built in order and torn down in reverse (the sender and the log writer
// stop before the stores they write to close).
struct Services {
  SystemClock clock;
  Metrics metrics;
  std::string shared_secret;
  std::string db_path;  // the store's file, resolved against the config's folder
  std::unique_ptr<RuleSetHolder> rules;
  std::unique_ptr<StoredHistory> history;
  std::unique_ptr<RedisLink> redis;              // null unless [shared] redis is set
  // With redis: the review mirror's own connections ([shared] review_timeout_ms),
  // so a slow review list never marks Redis down for requests.
  std::unique_ptr<RedisLink> review_redis;
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
  // With redis: the site's blocked submissions, fed by the log's writer (so built before it).
  std::unique_ptr<ReviewMirror> review_mirror;
  std::unique_ptr<SubmissionLog> log;  // its writer persists `history` and feeds `review_mirror` until it stops
  std::unique_ptr<ReviewDigest> digest;  // null when review.digest is off
  // Last, so it is destroyed first: every job stops before what it uses.
  JobRunner jobs;
};

// Fills `services` from `config` and registers every module's metrics.
// Error: the first thing that could not be built (nothing is running).
Status build_services(const Config& config, Services& services);

}  // namespace spamgate

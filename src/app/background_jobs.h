// Background jobs: the table of everything serve runs besides answering
// requests, one row per job (name, period or wake-up, what it needs,
// whether only the leader runs it), and the writes the submission log's
// writer thread runs on its own connection. Adds rows only for what the
// config turned on and build_services built; never starts one itself
// (serve starts the runner).
#pragma once

#include <vector>

#include "app/services.h"
#include "config/config.h"
#include "store/submission_log.h"

namespace spamgate {

// The mail sender's row: woken after every queued message.
inline constexpr const char* kOutboxSenderJob = "outbox sender";

// Adds every job `config` turns on to `services.jobs`. Call after
// build_services; `services` must outlive the runner's jobs.
void add_background_jobs(const Config& config, Services& services);

// The periodic writes the submission log's writer runs (and once more at
// shutdown): the RATE_IP/DUPLICATE history persisted every 5 s, sent mail
// purged hourly, with [shared] the review mirror caught up every second. For SubmissionLog::open; `services` must outlive the log.
std::vector<PeriodicTask> log_writer_tasks(const Config& config, Services& services);

// Reloads the rule set (on SIGHUP, or when the watch saw a file change;
// `cause` says which), counting and logging the outcome. A failed reload
// keeps the previous rules.
void reload_rules(RuleSetHolder& rules, Metrics& metrics, const char* cause);

}  // namespace spamgate

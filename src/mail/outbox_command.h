// `spamgate outbox list|retry|purge|flush`: the owner's view of the
// outbox, each a thin handler over Outbox and OutboxWorker. Never prints a
// secret or a message body; subjects are shown with control characters escaped.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>

#include "config/config.h"
#include "mail/outbox.h"
#include "util/clock.h"

namespace spamgate {

// Each returns the exit code: 0 done, 1 done but something failed (flush:
// a message failed), 2 could not run (bad config, store error); the reason
// goes to `err`.

// One line per message, newest first: id, status, kind, created (UTC),
// attempts, recipients, subject, and the last server reply when not sent.
int outbox_list(const Config& config, std::optional<OutboxStatus> status, int limit, std::ostream& out,
                std::ostream& err);
// A failed or folded message goes back to the queue, due now.
int outbox_retry(const Config& config, int64_t id, std::ostream& out, std::ostream& err);
// Deletes sent and folded messages older than `days` (and failed ones with `include_failed`).
int outbox_purge(const Config& config, int days, bool include_failed, std::ostream& out, std::ostream& err);
// Requeues messages a killed sender left in mid-send, sends everything due
// now with the configured SMTP account (caps applied), prints the counts
// and exits. For hosts where only cron may run; not meant to run beside `serve`.
int outbox_flush(const Config& config, const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace spamgate

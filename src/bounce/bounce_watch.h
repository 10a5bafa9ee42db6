// BounceWatch: reads the sending account's mailbox for delivery reports.
// A bounce for mail spamgate sent marks that outbox row; an owner address
// that keeps bouncing is reported in the log; a bounce for a Message-ID
// spamgate never sent is foreign. A foreign bounce whose returned message
// shows it went out through the site's own SMTP host (bounce_evidence.h)
// means someone has the account: the owners get one alert a day, through
// the outbox's alert path, with the bounce's text quoted, labelled as
// unauthenticated and defanged. Without that evidence someone only forged
// the site's address: counted (`spamgate bounces`, stats, digest), never
// alerted on. Never replies to a report and never mails a report's sender.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "bounce/bounce_log.h"
#include "bounce/imap_mailbox.h"
#include "config/config.h"
#include "mail/outbox.h"
#include "util/clock.h"
#include "util/metric_registry.h"

namespace spamgate {

// What one poll did.
struct BouncePoll {
  int read = 0;       // messages fetched from the mailbox
  int own = 0;        // reports about spamgate's own mail
  int foreign = 0;    // reports about mail spamgate never sent (forged ones included)
  int forged = 0;     // of those, without evidence that the site's account sent it
  int unknown = 0;    // reports naming no original Message-ID
  int ignored = 0;    // auto-replies and other mail (left unread in the mailbox)
  bool alerted = false;  // a hijacked-account alert was queued
};

struct BounceCounters {
  std::atomic<uint64_t> own{0}, foreign{0}, forged{0}, polls{0}, poll_errors{0};
};

class BounceWatch {
 public:
  // `config`, `log`, `outbox` and `clock` must outlive the watch. `password`
  // is mail.bounces.password's value (or mail.password's). `on_queued` runs
  // after an alert is queued (e.g. OutboxWorker::wake).
  BounceWatch(const Config& config, BounceLog& log, Outbox& outbox, const Clock& clock, std::string password,
              std::function<void()> on_queued = {});

  // Reads the reports that arrived since the last poll and acts on them.
  // Records the time and the outcome ("" or the error) in the log's state
  // for `spamgate bounces`. Error: the mailbox or store failure, one line.
  Result<BouncePoll> poll_once();

  const BounceCounters& counters() const { return counters_; }
  // The poll's counters as spamgate_bounce*. The watch must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

 private:
  Status act_on(const BounceReport& report, const std::string& digest, int64_t now, BouncePoll& poll);
  Result<bool> alert_hijack(const BounceRow& row, int64_t now);
  void report_owner_bounces(const BounceRow& row, int64_t now);

  const Config& config_;
  BounceLog& log_;
  Outbox& outbox_;
  const Clock& clock_;
  ImapMailbox mailbox_;
  std::function<void()> on_queued_;
  BounceCounters counters_;
};

// The ImapOptions for `config`'s mail.bounces (TLS settings from [mail]).
ImapOptions bounce_mailbox_options(const Config& config, std::string password);

}  // namespace spamgate

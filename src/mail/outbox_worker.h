// OutboxWorker: the sender. Claims due outbox rows, applies the caps, hands
// each message to the SmtpTransport and records the outcome; writes the
// digests and the daily-cap alert. Runs as a thread in `serve`, or one pass
// at a time for `spamgate outbox flush`. Never deletes a row, never sends to
// an address that is not in the row (which only the config chose).
#pragma once

#include <optional>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "mail/sender_lock.h"
#include "mail/mail_caps.h"
#include "mail/outbox.h"
#include "mail/smtp_transport.h"
#include "util/clock.h"
#include "util/metric_registry.h"
#include "util/result.h"

namespace spamgate {


// Totals since the worker was made, for /spamgate/metrics.
struct OutboxCounters {
  std::atomic<uint64_t> sent{0};                // accepted by the server (digests and alerts included)
  std::atomic<uint64_t> temporary_failures{0};  // attempts that will be retried (or used up the attempts)
  std::atomic<uint64_t> permanent_failures{0};  // 5xx, auth failures: kept as failed and logged
  std::atomic<uint64_t> held{0};                // messages held by the caps
  std::atomic<uint64_t> digests{0};             // digests written
  std::atomic<uint64_t> alerts{0};              // daily-cap alerts written
  std::atomic<uint64_t> errors{0};              // store or compose errors (logged)
};

// What one flush did.
struct FlushCounts {
  int sent = 0;      // delivered
  int failed = 0;    // became failed (permanent, or attempts used up)
  int deferred = 0;  // still queued for later (backoff, daily cap)
  int held = 0;      // held for a digest
};

class OutboxWorker {
 public:
  // Every reference must outlive the worker. `mail` gives the owners (for
  // digests and alerts) and the composer's settings.
  OutboxWorker(Outbox& outbox, MailCaps& caps, SmtpTransport& transport, const MailConfig& mail, const Clock& clock);
  // Stops the thread if it runs.
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Puts rows a crash left in 'sending' back in the queue, then starts the
  // sender thread. Error: the store could not be read (no thread started).
  // With `lock_path` (see SenderLock), the thread first becomes the only
  // sender: while another process holds the lock it retries every poll
  // interval, and on taking it reloads the caps and recovers the rows the
  // previous holder left in 'sending'.
  Status start(std::optional<std::string> lock_path = std::nullopt);
  // Wakes the thread to look at the queue now (call after an enqueue).
  void wake();
  // Asks the thread to stop after the message it is sending, and joins it.
  // Claimed but unattempted messages go back to the queue.
  void stop();

  // One pass in the calling thread: writes a due digest, sends every
  // message due now, until none is due. Returns what it did; store errors
  // are counted in counters().errors and logged, and end the pass early.
  FlushCounts flush_once();

  const OutboxCounters& counters() const { return counters_; }
  // The sender's counters and the outbox's queued/held/failed gauges as
  // spamgate_mail_*. The worker must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

 private:
  void run();
  // Takes the sender lock if it is not held yet; true when this worker may send.
  bool hold_sender_lock();
  Status recover_interrupted();
  void process(const OutboxRow& row, FlushCounts& counts);
  void send(const OutboxRow& row, bool charged, FlushCounts& counts);
  Status write_digest_if_due();
  // `in_hand`: messages being decided on that are in neither count (still 'sending').
  Status alert_if_first_today(int64_t in_hand);
  TimePoint next_wake();
  void log_error(const std::string& what, const std::string& error);
  // Logs a failed write of a claimed row's outcome and keeps `retry` to run
  // at the start of every pass until it succeeds, so a row is never left in
  // 'sending' while the process lives (e.g. the disk was full for a moment).
  void keep_unsettled(const std::string& what, const std::string& error, std::function<Status()> retry);
  void retry_unsettled();

  Outbox& outbox_;
  MailCaps& caps_;
  SmtpTransport& transport_;
  const MailConfig& mail_;
  const Clock& clock_;
  OutboxCounters counters_;
  std::vector<std::function<Status()>> unsettled_;  // only touched by the thread running flush_once

  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::optional<std::string> lock_path_;
  std::optional<SenderLock> sender_lock_;
};

}  // namespace spamgate

#include "mail/outbox_worker.h"

#include <algorithm>

#include "mail/composer.h"
#include "mail/mail_reports.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr int kClaimBatch = 32;
constexpr auto kPollInterval = std::chrono::seconds(60);  // rows queued by another process (CLI retry)
constexpr auto kErrorPause = std::chrono::seconds(1);     // after a pass that could not finish

}  // namespace

OutboxWorker::OutboxWorker(Outbox& outbox, MailCaps& caps, SmtpTransport& transport, const MailConfig& mail,
                           const Clock& clock)
    : outbox_(outbox), caps_(caps), transport_(transport), mail_(mail), clock_(clock) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::register_metrics(MetricRegistry& metrics) const {
  const auto counter = [&](const char* name, const char* help, const std::atomic<uint64_t>& value) {
    metrics.add_external(name, help, "counter", [&value] { return static_cast<double>(value.load()); });
  };
  counter("spamgate_mail_sent_total", "Messages the SMTP server accepted", counters_.sent);
  counter("spamgate_mail_temporary_failures_total", "Send attempts that failed temporarily",
          counters_.temporary_failures);
  counter("spamgate_mail_permanent_failures_total", "Messages that failed permanently (kept as failed)",
          counters_.permanent_failures);
  counter("spamgate_mail_held_total", "Messages held by the mail caps", counters_.held);
  counter("spamgate_mail_digests_total", "Digests of held messages written", counters_.digests);
  counter("spamgate_mail_alerts_total", "Daily-cap alerts written", counters_.alerts);
  counter("spamgate_mail_errors_total", "Outbox store or compose errors", counters_.errors);
  const auto gauge = [&](const char* name, const char* help, OutboxStatus status) {
    metrics.add_external(name, help, "gauge", [&outbox = outbox_, status] {
      Result<int64_t> n = outbox.count(status);
      return n ? static_cast<double>(*n) : -1.0;
    });
  };
  gauge("spamgate_mail_outbox_queued", "Messages waiting in the outbox", OutboxStatus::queued);
  gauge("spamgate_mail_outbox_held", "Messages held for a digest", OutboxStatus::held);
  gauge("spamgate_mail_outbox_failed", "Messages that failed and are kept", OutboxStatus::failed);
}

Status OutboxWorker::recover_interrupted() {
  Result<int> recovered = outbox_.recover_interrupted();
  if (!recovered) return Error{recovered.error()};
  if (*recovered > 0)
    LogLine("warn").add("event", "outbox_recovered").add("messages", *recovered)
        .add("detail", "messages interrupted in mid-send are queued again; they may arrive twice").write();
  return Status::success();
}

bool OutboxWorker::hold_sender_lock() {
  if (!lock_path_ || sender_lock_) return true;
  Result<std::optional<SenderLock>> lock = SenderLock::try_acquire(*lock_path_);
  if (!lock) {
    log_error("outbox_lock_failed", lock.error());
    return false;
  }
  if (!*lock) return false;  // another process sends
  sender_lock_ = std::move(**lock);
  LogLine().add("event", "outbox_sender").add("detail", "this process now sends the outbox").write();
  if (Status st = caps_.reload(); !st) log_error("outbox_caps_failed", st.error());
  if (Status st = recover_interrupted(); !st) log_error("outbox_recover_failed", st.error());
  return true;
}

Status OutboxWorker::start(std::optional<std::string> lock_path) {
  lock_path_ = std::move(lock_path);
  if (!lock_path_)
    if (Status st = recover_interrupted(); !st) return st;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  return Status::success();
}

void OutboxWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void OutboxWorker::log_error(const std::string& what, const std::string& error) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  LogLine("error").add("event", what).add("error", error).write();
}

void OutboxWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    const bool sender = hold_sender_lock();
    if (sender) flush_once();
    const TimePoint wake_at = sender ? next_wake() : clock_.now() + kPollInterval;
    lock.lock();
    if (stopping_ || woken_) continue;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - clock_.now());
    wait = std::clamp<std::chrono::milliseconds>(wait, kErrorPause, kPollInterval);
    cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
  }
}

TimePoint OutboxWorker::next_wake() {
  TimePoint at = clock_.now() + kPollInterval;
  Result<std::optional<TimePoint>> due = outbox_.next_due();
  if (due && *due) at = std::min(at, **due);
  if (std::optional<TimePoint> digest = caps_.next_digest_at()) at = std::min(at, *digest);
  return at;
}

void OutboxWorker::keep_unsettled(const std::string& what, const std::string& error, std::function<Status()> retry) {
  log_error(what, error);
  unsettled_.push_back(std::move(retry));
}

void OutboxWorker::retry_unsettled() {
  std::vector<std::function<Status()>> still;
  for (auto& write : unsettled_)
    if (Status st = write(); !st) still.push_back(std::move(write));
  unsettled_ = std::move(still);
}

FlushCounts OutboxWorker::flush_once() {
  FlushCounts counts;
  retry_unsettled();
  while (!stopping_) {
    if (Status st = write_digest_if_due(); !st) log_error("outbox_digest_failed", st.error());
    Result<std::vector<OutboxRow>> rows = outbox_.claim_due(kClaimBatch);
    if (!rows) {
      log_error("outbox_claim_failed", rows.error());
      break;
    }
    if (rows->empty()) break;
    for (const OutboxRow& row : *rows) {
      if (stopping_) {  // give it back untouched (or recovered at the next start)
        if (Status st = outbox_.defer(row.id, clock_.now()); !st) log_error("outbox_defer_failed", st.error());
        continue;
      }
      process(row, counts);
    }
  }
  return counts;
}

void OutboxWorker::process(const OutboxRow& row, FlushCounts& counts) {
  if (row.kind == OutboxKind::digest || row.kind == OutboxKind::alert) {
    send(row, false, counts);  // their caps were applied when they were written
    return;
  }
  Result<CapDecision> decision = caps_.admit(row.kind, row.message.recipients);
  if (!decision) {
    log_error("outbox_caps_failed", decision.error());
    const TimePoint until = clock_.now() + kPollInterval;
    if (Status st = outbox_.defer(row.id, until); !st)
      keep_unsettled("outbox_defer_failed", st.error(), [this, id = row.id, until] { return outbox_.defer(id, until); });
    ++counts.deferred;
    return;
  }
  if (decision->verdict == CapVerdict::send) {
    send(row, true, counts);
    return;
  }
  if (decision->verdict == CapVerdict::over_daily)
    if (Status st = alert_if_first_today(1); !st) log_error("outbox_alert_failed", st.error());
  if (foldable(row.kind)) {
    if (Status st = outbox_.mark_held(row.id); !st)
      return keep_unsettled("outbox_hold_failed", st.error(), [this, id = row.id] { return outbox_.mark_held(id); });
    counters_.held.fetch_add(1, std::memory_order_relaxed);
    ++counts.held;
  } else {
    if (Status st = outbox_.defer(row.id, decision->retry_at); !st)
      return keep_unsettled("outbox_defer_failed", st.error(),
                            [this, id = row.id, until = decision->retry_at] { return outbox_.defer(id, until); });
    ++counts.deferred;
  }
}

void OutboxWorker::send(const OutboxRow& row, bool charged, FlushCounts& counts) {
  const SendResult result = transport_.send(row.message);
  if (result.outcome != SendOutcome::sent && charged)
    if (Status st = caps_.refund(row.kind, row.message.recipients); !st) log_error("outbox_caps_failed", st.error());
  switch (result.outcome) {
    case SendOutcome::sent:
      if (Status st = outbox_.mark_sent(row.id, result.server_reply); !st)
        return keep_unsettled("outbox_mark_failed", st.error(),
                              [this, id = row.id, reply = result.server_reply] { return outbox_.mark_sent(id, reply); });
      counters_.sent.fetch_add(1, std::memory_order_relaxed);
      ++counts.sent;
      return;
    case SendOutcome::temporary_failure: {
      counters_.temporary_failures.fetch_add(1, std::memory_order_relaxed);
      Result<OutboxStatus> next = outbox_.mark_temporary_failure(row.id, result.server_reply);
      if (!next)
        return keep_unsettled("outbox_mark_failed", next.error(), [this, id = row.id, reply = result.server_reply] {
          Result<OutboxStatus> retried = outbox_.mark_temporary_failure(id, reply);
          return retried ? Status::success() : Status(Error{retried.error()});
        });
      if (*next == OutboxStatus::failed) {
        ++counts.failed;
        LogLine("error").add("event", "mail_failed").add("outbox_id", static_cast<long long>(row.id))
            .add("kind", to_string(row.kind)).add("reason", "attempts used up").add("reply", result.server_reply).write();
      } else {
        ++counts.deferred;
        LogLine("warn").add("event", "mail_retry").add("outbox_id", static_cast<long long>(row.id))
            .add("reply", result.server_reply).write();
      }
      return;
    }
    case SendOutcome::permanent_failure:
      counters_.permanent_failures.fetch_add(1, std::memory_order_relaxed);
      if (Status st = outbox_.mark_permanent_failure(row.id, result.server_reply); !st)
        return keep_unsettled("outbox_mark_failed", st.error(), [this, id = row.id, reply = result.server_reply] {
          return outbox_.mark_permanent_failure(id, reply);
        });
      ++counts.failed;
      LogLine("error").add("event", "mail_failed").add("outbox_id", static_cast<long long>(row.id))
          .add("kind", to_string(row.kind)).add("reason", "permanent").add("reply", result.server_reply).write();
      return;
  }
}

Status OutboxWorker::write_digest_if_due() {
  if (!caps_.digest_due()) return Status::success();
  Result<Outbox::HeldOverview> held = outbox_.held_overview(kDigestDetailLimit);
  if (!held) return Error{held.error()};
  if (held->count == 0) return caps_.end_folding();
  Result<DigestStart> start = caps_.begin_digest();
  if (!start) return Error{start.error()};
  if (*start == DigestStart::over_daily) return alert_if_first_today(0);  // the daily cap refused even the digest
  if (*start != DigestStart::write) return Status::success();
  const DigestText text = digest_text(mail_, *held);
  Result<MailMessage> message = compose_message(mail_, {mail_.owners, std::nullopt, text.subject, text.body, std::nullopt},
                                                clock_.now());
  if (!message) return Error{"digest: " + message.error()};
  Result<int64_t> id = outbox_.enqueue_digest(*message, text.subject, text.preview, held->max_id);
  if (!id) return Error{id.error()};
  counters_.digests.fetch_add(1, std::memory_order_relaxed);
  LogLine("warn").add("event", "mail_digest").add("outbox_id", static_cast<long long>(*id))
      .add("folded", static_cast<long long>(held->count)).write();
  return Status::success();
}

Status OutboxWorker::alert_if_first_today(int64_t in_hand) {
  Result<bool> first = caps_.claim_alert();
  if (!first) return Error{first.error()};
  if (!*first) return Status::success();
  Result<int64_t> queued = outbox_.count(OutboxStatus::queued);
  Result<int64_t> held = outbox_.count(OutboxStatus::held);
  if (!queued || !held) return Error{!queued ? queued.error() : held.error()};
  const int64_t kept = *queued + *held + in_hand;
  const DigestText text = alert_text(mail_, kept);
  Result<MailMessage> message = compose_message(mail_, {mail_.owners, std::nullopt, text.subject, text.body, std::nullopt},
                                                clock_.now());
  if (!message) return Error{"alert: " + message.error()};
  Result<int64_t> id = outbox_.enqueue(OutboxKind::alert, *message, text.subject, text.preview);
  if (!id) return Error{id.error()};
  counters_.alerts.fetch_add(1, std::memory_order_relaxed);
  LogLine("error").add("event", "mail_daily_cap").add("outbox_id", static_cast<long long>(*id))
      .add("kept", static_cast<long long>(kept)).write();
  return Status::success();
}

}  // namespace spamgate

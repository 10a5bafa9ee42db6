#include "bounce/bounce_watch.h"

#include <algorithm>

#include "bounce/bounce_alert.h"
#include "bounce/bounce_evidence.h"
#include "mail/composer.h"
#include "mail/mail_reports.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr size_t kMessagesPerPoll = 200;
constexpr size_t kMaxMessageBytes = 2 << 20;
constexpr int64_t kDay = 86400;

int64_t to_int(const std::string& text) { return text.empty() ? 0 : std::atoll(text.c_str()); }

// The site's domain as DKIM would sign it: the From address's.
std::string from_domain(const MailConfig& mail) {
  const size_t at = mail.from_address.rfind('@');
  return at == std::string::npos ? "" : mail.from_address.substr(at + 1);
}

}  // namespace

ImapOptions bounce_mailbox_options(const Config& config, std::string password) {
  ImapOptions options;
  options.url = config.mail.bounces.url;
  options.username = config.mail.bounces.username.empty() ? config.mail.username : config.mail.bounces.username;
  options.password = std::move(password);
  options.ca_file = config.resolve(config.mail.ca_file);
  options.verify_peer = config.mail.verify_peer;
  options.connect_timeout_seconds = config.mail.connect_timeout_seconds;
  options.timeout_seconds = config.mail.timeout_seconds;
  return options;
}

BounceWatch::BounceWatch(const Config& config, BounceLog& log, Outbox& outbox, const Clock& clock,
                         std::string password, std::function<void()> on_queued)
    : config_(config),
      log_(log),
      outbox_(outbox),
      clock_(clock),
      mailbox_(bounce_mailbox_options(config, std::move(password))),
      on_queued_(std::move(on_queued)) {}

void BounceWatch::register_metrics(MetricRegistry& metrics) const {
  const auto counter = [&](const char* name, const char* help, const std::atomic<uint64_t>& value) {
    metrics.add_external(name, help, "counter", [&value] { return static_cast<double>(value.load()); });
  };
  counter("spamgate_bounces_own_total", "Bounce reports about mail spamgate sent", counters_.own);
  counter("spamgate_bounces_foreign_total", "Bounce reports about mail spamgate never sent", counters_.foreign);
  counter("spamgate_bounces_forged_total",
          "Foreign bounce reports with no sign the site's account sent the mail (its address forged)",
          counters_.forged);
  counter("spamgate_bounce_polls_total", "Reads of the bounce mailbox", counters_.polls);
  counter("spamgate_bounce_poll_errors_total", "Reads of the bounce mailbox that failed", counters_.poll_errors);
}

Result<BouncePoll> BounceWatch::poll_once() {
  const int64_t now = unix_seconds(clock_.now());
  counters_.polls.fetch_add(1, std::memory_order_relaxed);
  BouncePoll poll;
  auto fail = [&](const std::string& error) -> Result<BouncePoll> {
    counters_.poll_errors.fetch_add(1, std::memory_order_relaxed);
    (void)log_.set_state("last_poll_at", std::to_string(now));
    (void)log_.set_state("last_error", error);
    return Error{error};
  };
  Result<std::string> last = log_.state("last_uid");
  if (!last) return fail(last.error());
  uint64_t last_uid = static_cast<uint64_t>(to_int(*last));
  Result<std::vector<uint64_t>> uids = mailbox_.uids_after(last_uid, kMessagesPerPoll);
  if (!uids) return fail(uids.error());
  for (uint64_t uid : *uids) {
    Result<std::string> message = mailbox_.fetch(uid, kMaxMessageBytes);
    if (!message) return fail(message.error());
    ++poll.read;
    const std::string digest = sha256_hex(*message);
    Result<bool> seen = log_.seen(digest);
    if (!seen) return fail(seen.error());
    const BounceReport report = parse_bounce(*message);
    // A delay warning (every recipient "delayed") is not a failure yet: left alone.
    const bool delay_only = !report.recipients.empty() &&
                            std::all_of(report.recipients.begin(), report.recipients.end(),
                                        [](const FailedRecipient& r) { return r.action == "delayed"; });
    const bool is_report = (report.kind == MessageKind::bounce && !delay_only) || report.kind == MessageKind::complaint;
    if (!is_report) ++poll.ignored;
    if (is_report && !*seen)
      if (Status acted = act_on(report, digest, now, poll); !acted) return fail(acted.error());
    if (is_report) {  // handled: out of the owner's way; other mail stays as it was
      Status tidied = config_.mail.bounces.move_to.empty() ? mailbox_.mark_seen(uid)
                                                           : mailbox_.move(uid, config_.mail.bounces.move_to);
      if (!tidied) LogLine("warn").add("msg", "a handled bounce could not be tidied").add("error", tidied.error()).write();
    }
    if (Status st = log_.set_state("last_uid", std::to_string(uid)); !st) return fail(st.error());
  }
  (void)log_.set_state("last_poll_at", std::to_string(now));
  (void)log_.set_state("last_error", "");
  return poll;
}

Status BounceWatch::act_on(const BounceReport& report, const std::string& digest, int64_t now, BouncePoll& poll) {
  const std::string evidence = own_account_evidence(report.original_trace, smtp_url_host(config_.mail.smtp_url),
                                                    from_domain(config_.mail));
  Result<BounceRow> row = log_.record(report, digest, now, evidence);
  if (!row) return Error{row.error()};
  LogLine(row->origin == "foreign" && !row->forged() ? "warn" : "info")
      .add("event", "bounce")
      .add("origin", row->forged() ? "forged" : row->origin)
      .add("kind", row->kind)
      .add("recipient", row->recipient)
      .add("status", row->status)
      .add("original_message_id", row->original_message_id)
      .write();
  if (row->origin == "own") {
    ++poll.own;
    counters_.own.fetch_add(1, std::memory_order_relaxed);
    report_owner_bounces(*row, now);
  } else if (row->forged()) {  // only the address: counted for the digest and the dashboard, no alert
    ++poll.foreign;
    ++poll.forged;
    counters_.foreign.fetch_add(1, std::memory_order_relaxed);
    counters_.forged.fetch_add(1, std::memory_order_relaxed);
  } else if (row->origin == "foreign") {
    ++poll.foreign;
    counters_.foreign.fetch_add(1, std::memory_order_relaxed);
    Result<bool> alerted = alert_hijack(*row, now);
    if (!alerted) return Error{alerted.error()};
    poll.alerted = poll.alerted || *alerted;
  } else {
    ++poll.unknown;
  }
  return Status::success();
}

Result<bool> BounceWatch::alert_hijack(const BounceRow& row, int64_t now) {
  Result<std::string> last = log_.state("foreign_alert_at");
  if (!last) return Error{last.error()};
  if (!last->empty() && now - to_int(*last) < kDay) return false;
  ComposeRequest request;
  request.to = config_.mail.owners;
  request.subject = site_tag(config_.mail) + " Someone may be using your mail account " + config_.mail.from_address;
  request.text_body = hijack_alert_text(config_, row);
  Result<MailMessage> message = compose_message(config_.mail, request, clock_.now());
  if (!message) return Error{"foreign-bounce alert: " + message.error()};
  Result<int64_t> id = outbox_.enqueue(OutboxKind::alert, *message, request.subject, make_preview(request.text_body));
  if (!id) return Error{"foreign-bounce alert: " + id.error()};
  if (Status st = log_.set_state("foreign_alert_at", std::to_string(now)); !st) return Error{st.error()};
  if (on_queued_) on_queued_();
  LogLine("warn").add("event", "foreign_bounce_alert").add("outbox_id", static_cast<long long>(*id)).write();
  return true;
}

void BounceWatch::report_owner_bounces(const BounceRow& row, int64_t now) {
  for (const std::string& owner : config_.mail.owners) {
    Result<int64_t> n = log_.own_bounces_to(owner, now - 7 * kDay);
    if (n && *n >= config_.mail.bounces.owner_bounce_limit)
      LogLine("warn")
          .add("msg", "mail to an owner address keeps bouncing; fix mail.owners or the mailbox")
          .add("owner", owner)
          .add("bounces_7d", static_cast<long long>(*n))
          .add("status", row.status)
          .write();
  }
}

}  // namespace spamgate

#include "mail/outbox_command.h"

#include <ctime>
#include <memory>

#include "mail/curl_smtp_transport.h"
#include "mail/mail_caps.h"
#include "mail/mail_reports.h"
#include "mail/outbox_worker.h"
#include "mail/sender_lock.h"
#include "util/time_format.h"

namespace spamgate {
namespace {

std::unique_ptr<Outbox> open_outbox(const Config& config, const Clock& clock, std::ostream& err) {
  Result<std::unique_ptr<Outbox>> outbox =
      Outbox::open(config.resolve(config.store.path), clock, BackoffPolicy::from(config.mail));
  if (!outbox) {
    err << outbox.error() << "\n";
    return nullptr;
  }
  return std::move(*outbox);
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

int outbox_list(const Config& config, std::optional<OutboxStatus> status, int limit, std::ostream& out,
                std::ostream& err) {
  SystemClock clock;
  std::unique_ptr<Outbox> outbox = open_outbox(config, clock, err);
  if (!outbox) return 2;
  Result<std::vector<OutboxRow>> rows = outbox->list(status, limit);
  if (!rows) {
    err << rows.error() << "\n";
    return 2;
  }
  for (const OutboxRow& row : *rows) {
    out << row.id << "  " << to_string(row.status) << "  " << to_string(row.kind) << "  " << rfc3339_utc(row.created_at)
        << "  attempts=" << row.attempts << "  to=" << joined(row.message.recipients) << "  "
        << visible_escapes(row.subject);
    if (row.digest_id) out << "  (in digest " << *row.digest_id << ")";
    if (row.status == OutboxStatus::queued && row.attempts > 0) out << "  next=" << rfc3339_utc(row.next_attempt_at);
    if (row.status != OutboxStatus::sent && row.last_reply) out << "  reply: " << visible_escapes(*row.last_reply);
    out << "\n";
  }
  if (rows->empty()) out << "no messages\n";
  return 0;
}

int outbox_retry(const Config& config, int64_t id, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  std::unique_ptr<Outbox> outbox = open_outbox(config, clock, err);
  if (!outbox) return 2;
  if (Status st = outbox->retry(id); !st) {
    err << st.error() << "\n";
    return 1;
  }
  out << "message " << id << " queued again\n";
  return 0;
}

int outbox_purge(const Config& config, int days, bool include_failed, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  std::unique_ptr<Outbox> outbox = open_outbox(config, clock, err);
  if (!outbox) return 2;
  Result<int64_t> deleted = outbox->purge(days, include_failed);
  if (!deleted) {
    err << deleted.error() << "\n";
    return 2;
  }
  out << "deleted " << *deleted << " message(s)\n";
  return 0;
}

int outbox_flush(const Config& config, const Clock& clock, std::ostream& out, std::ostream& err) {
  if (Status st = validate_transport_config(config.mail); !st) {
    err << "mail: " << st.error() << "\n";
    return 2;
  }
  Result<std::string> secret = read_secret(config.mail.password, config);
  if (!secret) {
    err << "mail.password: " << secret.error() << "\n";
    return 2;
  }
  const std::string lock_path = sender_lock_path(config.resolve(config.store.path));
  Result<std::optional<SenderLock>> lock = SenderLock::try_acquire(lock_path);
  if (!lock) {
    err << lock.error() << "\n";
    return 2;
  }
  if (!*lock) {
    err << "another spamgate process (serve, or a flush) is sending this outbox; nothing done\n";
    return 2;
  }
  std::unique_ptr<Outbox> outbox = open_outbox(config, clock, err);
  if (!outbox) return 2;
  Result<std::unique_ptr<MailCaps>> caps = MailCaps::open(config.resolve(config.store.path), config.mail.caps, clock);
  if (!caps) {
    err << caps.error() << "\n";
    return 2;
  }
  if (Result<int> recovered = outbox->recover_interrupted(); !recovered) {
    err << recovered.error() << "\n";
    return 2;
  }
  CurlSmtpTransport transport(config.mail, *secret);
  OutboxWorker worker(*outbox, **caps, transport, config.mail, clock);
  const FlushCounts counts = worker.flush_once();
  out << "sent " << counts.sent << ", failed " << counts.failed << ", deferred " << counts.deferred << ", held "
      << counts.held << "\n";
  if (worker.counters().errors > 0) return 2;
  return counts.failed > 0 ? 1 : 0;
}

}  // namespace spamgate

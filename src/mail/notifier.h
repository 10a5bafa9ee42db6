// Notifier: the only way the http layer creates mail. Turns an accepted
// contact submission or a WordPress notify request into an outbox message
// to configured recipients only. Never addresses mail to anything a request
// names unless the config allowlists it, never mails a submitter, and never
// drops a contact message for a bad header value: it withholds the value.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "form/submission.h"
#include "mail/composer.h"
#include "mail/outbox.h"
#include "util/clock.h"

namespace spamgate {

// Why a message was not queued; the http layer maps it to a status code.
enum class QueueFailure {
  none,
  bad_request,            // 400: nothing to send
  recipient_not_allowed,  // 403: recipient in neither mail.owners nor mail.allowed_recipients
  unavailable,            // 500/503: the outbox could not store it, or the mail config is unusable
};

struct QueueResult {
  int64_t id = 0;  // the outbox id when queued
  QueueFailure failure = QueueFailure::none;
  std::string reason;  // one line for the log and the response body; never a secret
  bool ok() const { return failure == QueueFailure::none; }
};

// POST /spamgate/notify's fields, decoded by the http layer.
struct NotifyRequest {
  std::string subject;
  std::string text;                      // plain-text body
  std::optional<std::string> reply_to;   // one addr-spec; dropped (with a note in the body) when invalid
  std::optional<std::string> recipient;  // must be allowlisted; default: mail.owners
};

class Notifier {
 public:
  // `config`, `outbox` and `clock` must outlive the Notifier. `on_queued`
  // (e.g. OutboxWorker::wake) runs after each committed enqueue.
  Notifier(const Config& config, Outbox& outbox, const Clock& clock, std::function<void()> on_queued = {});

  // Queues an accepted contact submission as mail to mail.owners.
  // Reply-To is the submitter's address only when it is one valid addr-spec
  // (else omitted and the body says so); the subject is
  // "[site] Contact: <subject>", or "[site] Contact form message (subject
  // withheld: unsafe characters)" when the subject is unsafe in a header
  // (the body shows it, escaped). Returns the id once committed.
  QueueResult queue_contact(const Submission& submission, std::string_view request_id);

  // Queues a WordPress notification to `recipient` (which must be in
  // mail.owners or mail.allowed_recipients, compared case-insensitively;
  // else recipient_not_allowed) or to mail.owners. bad_request when subject
  // and text are both empty. An unsafe subject is withheld as for contacts.
  QueueResult queue_notification(const NotifyRequest& request);

 private:
  QueueResult queue(OutboxKind kind, ComposeRequest request, const std::string& fallback_subject,
                    const std::string& preview);

  const Config& config_;
  Outbox& outbox_;
  const Clock& clock_;
  std::function<void()> on_queued_;
};

// True when `presented` equals `secret`, in time that depends on neither's
// content or length (SHA-256 of both, compared with CRYPTO_memcmp). An empty
// `secret` (none configured) matches nothing.
bool check_shared_secret(std::string_view presented, std::string_view secret);

}  // namespace spamgate

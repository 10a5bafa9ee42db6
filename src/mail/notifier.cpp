#include "mail/notifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <strings.h>

#include <algorithm>

#include "mail/mail_reports.h"
#include "util/email_address.h"
#include "util/header_safety.h"

namespace spamgate {
namespace {

bool usable_reply_to(std::string_view address) {
  return header_value_problem(address).empty() && is_safe_reply_to_address(address);
}

// The configured spelling of `address` when it is allowlisted.
std::optional<std::string> allowlisted(const MailConfig& mail, const std::string& address) {
  for (const auto* list : {&mail.owners, &mail.allowed_recipients})
    for (const std::string& allowed : *list)
      if (allowed.size() == address.size() && strcasecmp(allowed.c_str(), address.c_str()) == 0) return allowed;
  return std::nullopt;
}

std::string field_line(const char* label, std::string_view value) {
  return std::string(label) + ": " + visible_escapes(value) + "\n";
}

}  // namespace

Notifier::Notifier(const Config& config, Outbox& outbox, const Clock& clock, std::function<void()> on_queued)
    : config_(config), outbox_(outbox), clock_(clock), on_queued_(std::move(on_queued)) {}

// Composes `request`; when the composer refuses it, composes it again with
// no Reply-To and `fallback_subject`, the refusal noted in the body, so the
// message still reaches its configured recipients.
QueueResult Notifier::queue(OutboxKind kind, ComposeRequest request, const std::string& fallback_subject,
                            const std::string& preview) {
  const MailConfig& mail = config_.mail;
  Result<MailMessage> message = compose_message(mail, request, clock_.now());
  if (!message) {
    request.text_body += "\n[spamgate: sent without Reply-To and with a safe subject because " + message.error() +
                         "; original subject: " + visible_escapes(request.subject) + "]\n";
    request.reply_to.reset();
    request.reply_to_name.reset();
    request.subject = fallback_subject;
    message = compose_message(mail, request, clock_.now());
  }
  if (!message) return {0, QueueFailure::unavailable, "mail config: " + message.error()};
  Result<int64_t> id = outbox_.enqueue(kind, *message, request.subject, preview);
  if (!id) return {0, QueueFailure::unavailable, id.error()};
  if (on_queued_) on_queued_();
  return {*id, QueueFailure::none, ""};
}

QueueResult Notifier::queue_contact(const Submission& s, std::string_view request_id) {
  const MailConfig& mail = config_.mail;
  if (mail.owners.empty()) return {0, QueueFailure::unavailable, "mail.owners is empty: nobody to deliver to"};
  const std::string site = site_tag(mail);
  ComposeRequest request;
  request.to = mail.owners;

  std::string body = "A message from the contact form (" + visible_escapes(s.endpoint) + "):\n\n";
  body += field_line("Name", s.author);
  body += field_line("Email", s.email);
  if (usable_reply_to(s.email)) {
    request.reply_to = s.email;
    if (!s.author.empty() && header_value_problem(s.author).empty()) request.reply_to_name = s.author;
  } else {
    body += "       (not one valid address: no Reply-To was set; replying goes nowhere)\n";
  }
  if (!s.url.empty()) body += field_line("Website", s.url);
  body += field_line("Subject", s.subject);

  const std::string withheld = site + " Contact form message (subject withheld: unsafe characters)";
  if (s.subject.empty()) {
    request.subject = site + " Contact form message";
  } else if (std::string problem = header_value_problem(s.subject); !problem.empty()) {
    request.subject = withheld;
    body += "       (withheld from the mail's subject: " + problem + ")\n";
  } else {
    request.subject = site + " Contact: " + s.subject;
  }
  for (const auto& [name, value] : s.raw_form) {
    static const char* const mapped[] = {"name", "email", "subject", "message", "url"};
    if (std::find(std::begin(mapped), std::end(mapped), name) != std::end(mapped)) continue;
    if (name == config_.checks.honeypot_field || name == config_.checks.token_field) continue;
    body += visible_escapes(name) + ": " + visible_escapes(value) + "\n";
  }
  body += "\n" + s.body + "\n\n-- \n";
  body += field_line("IP", s.ip);
  body += field_line("User-Agent", s.user_agent);
  if (!s.referer.empty()) body += field_line("Referer", s.referer);
  body += field_line("Request id", request_id);
  request.text_body = std::move(body);

  const std::string preview = make_preview("From: " + s.author + " <" + s.email + ">\n" + s.body, 3);
  return queue(OutboxKind::contact, std::move(request), withheld, preview);
}

QueueResult Notifier::queue_notification(const NotifyRequest& r) {
  const MailConfig& mail = config_.mail;
  if (r.subject.empty() && r.text.empty()) return {0, QueueFailure::bad_request, "subject and text are both empty"};
  ComposeRequest request;
  if (r.recipient) {
    std::optional<std::string> configured = allowlisted(mail, *r.recipient);
    if (!configured)
      return {0, QueueFailure::recipient_not_allowed, "recipient is not in mail.owners or mail.allowed_recipients"};
    request.to = {*configured};
  } else {
    if (mail.owners.empty()) return {0, QueueFailure::unavailable, "mail.owners is empty: nobody to deliver to"};
    request.to = mail.owners;
  }
  const std::string withheld = site_tag(mail) + " Notification (subject withheld: unsafe characters)";
  std::string notes;
  if (r.subject.empty()) {
    request.subject = site_tag(mail) + " Notification";
  } else if (std::string problem = header_value_problem(r.subject); !problem.empty()) {
    request.subject = withheld;
    notes += "[spamgate: subject withheld (" + problem + "): " + visible_escapes(r.subject) + "]\n";
  } else {
    request.subject = r.subject;
  }
  if (r.reply_to) {
    if (usable_reply_to(*r.reply_to))
      request.reply_to = *r.reply_to;
    else
      notes += "[spamgate: Reply-To dropped, not one valid address: " + visible_escapes(*r.reply_to) + "]\n";
  }
  request.text_body = r.text + (notes.empty() ? "" : "\n\n" + notes);
  return queue(OutboxKind::notification, std::move(request), withheld, make_preview(r.text, 3));
}

bool check_shared_secret(std::string_view presented, std::string_view secret) {
  unsigned char a[EVP_MAX_MD_SIZE];
  unsigned char b[EVP_MAX_MD_SIZE];
  unsigned int a_len = 0;
  unsigned int b_len = 0;
  if (EVP_Digest(presented.data(), presented.size(), a, &a_len, EVP_sha256(), nullptr) != 1) return false;
  if (EVP_Digest(secret.data(), secret.size(), b, &b_len, EVP_sha256(), nullptr) != 1) return false;
  const bool same = a_len == b_len && CRYPTO_memcmp(a, b, a_len) == 0;
  return same && !secret.empty();
}

}  // namespace spamgate

// Bounce reports: what a message in the sending account's mailbox says
// about mail that failed. Parses RFC 3464 delivery-status reports, RFC 5965
// (ARF) complaints, RFC 3834 auto-replies and the common non-standard
// bounces (qmail "failure notice", Exchange "Undeliverable", Postfix
// "Undelivered Mail Returned to Sender", ...) with GMime. Pure: no I/O, no
// network, never replies; hostile input is bounded and never fatal. The
// only header of the parser other modules include: its stages live in
// bounce/report/ (complaint, delivery status, auto-reply, non-standard free
// text, the original message), private to bounce/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace spamgate {

enum class MessageKind { bounce, complaint, auto_reply, not_a_bounce };
const char* kind_name(MessageKind kind);  // "bounce", "complaint", "auto-reply", "not-a-bounce"

struct FailedRecipient {
  std::string address;     // lower-cased addr-spec, e.g. "user@example.jp"
  std::string status;      // enhanced status code "5.1.1", or "" when the message states none
  std::string action;      // RFC 3464 Action ("failed", "delayed", ...), or ""
  std::string diagnostic;  // Diagnostic-Code or the quoted server reply, one line, at most 500 bytes
};

struct BounceReport {
  MessageKind kind = MessageKind::not_a_bounce;
  std::vector<FailedRecipient> recipients;  // bounce: at least one; others: may be empty
  // The bounced (original) message, from the attached message/rfc822 or
  // text/rfc822-headers part, or from headers quoted in the body.
  std::string original_message_id;  // without angle brackets, "" when not found
  std::string original_from;
  std::string original_subject;     // decoded to UTF-8
  // The returned message's Received and DKIM-Signature fields, top (newest)
  // first, each "received: VALUE" or "dkim-signature: VALUE" on one line
  // (at most 50, 1,000 bytes each): what bounce_evidence.h reads.
  std::vector<std::string> original_trace;
  std::string reporting_mta;        // Reporting-MTA, or the host in the bounce's From/Received, "" when unknown
  std::string from;                 // the report's own From header
  std::string subject;              // the report's own Subject, decoded
};

struct BounceParseLimits {
  size_t max_message_bytes = 2 << 20;  // larger input: only the first bytes are parsed
  int max_mime_depth = 8;              // deeper parts are ignored
  int max_parts = 64;                  // parts beyond are ignored
  int max_recipients = 50;             // recipients beyond are dropped
};

// Reads one RFC 5322 message (CRLF or LF line ends). Never throws, never
// fails: input that is not a readable message is not_a_bounce.
BounceReport parse_bounce(std::string_view message, const BounceParseLimits& limits = {});

// The report as one JSON object, members in this order: {"kind",
// "recipients": [address...], "status", "action", "diagnostic",
// "original_message_id", ...} — `spamgate bounces parse` prints it after
// "file". status/action/diagnostic: the first recipient's.
void to_json(nlohmann::ordered_json& out, const BounceReport& report);

}  // namespace spamgate

// How a message is read (bounce_report.h says what comes out):
//  1. Complaints: a message/feedback-report part (RFC 5965, ARF), Microsoft's
//     JMRP ("complaint about message from ..." with the message attached),
//     Apple's X-Apple-Unsubscribe reports.
//  2. Recipient blocks of RFC 3464: a message/delivery-status part, or from
//     a machine sender the same fields written into the text (Amazon
//     WorkMail), or an Amazon SES notice in JSON. Every recipient that was
//     not delivered, relayed or expanded counts. A report naming only
//     "delayed" recipients (a warning: delivery is still being tried) is a
//     bounce too, as Sisimai reads it; each recipient keeps its action, the
//     failed ones come first, so a caller can tell a warning from a failure.
//  3. Auto-replies (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply,
//     "Out of office" subjects and texts), unless the message is clearly a
//     bounce: X-Failed-Recipients, report-type=delivery-status, or a
//     mailer-daemon/postmaster sender wording a delivery failure (Exim, Gmail
//     and Office 365 mark their bounces auto-replied too).
//  4. Non-standard bounces, only from a machine (mailer-daemon, postmaster,
//     null Return-Path) wording a failure, or an Auto-Submitted/no-reply
//     sender with a failure Subject: a person writing about a bounce is none.
//     The recipients, in order of trust: X-Failed-Recipients; the addresses
//     the failure text lists (framed by the phrase table in
//     bounce_report_freetext.cpp); the recipients of a bounce attached to it
//     (a forwarded report); addresses the text mentions in passing; the
//     returned message's To. Free text that says delivery goes on ("THIS IS
//     A WARNING MESSAGE ONLY") marks its recipients "delayed".
#include "bounce/bounce_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bounce/bounce_report_freetext.h"
#include "bounce/bounce_report_mime.h"
#include "bounce/bounce_report_sources.h"
#include "bounce/bounce_report_text.h"

namespace spamgate {
namespace {

namespace mime = bounce_mime;
namespace text = bounce_text;
using text::Phrases;
using bounce_sources::add_recipient;
using bounce_sources::mta_name;
using bounce_sources::typed_address;
using bounce_sources::without_type;

// What a report says about one recipient.
struct Said {
  std::string status, diagnostic;
  std::string own_status;  // the status in the recipient's own paragraph of the text, "" when none
};

class Reader {
 public:
  explicit Reader(const BounceParseLimits& limits) : limits_(limits) {}
  BounceReport read(GMimeMessage* message, std::string_view raw, int depth);

 private:
  void recipients_from_blocks(const std::vector<text::Fields>& blocks, BounceReport& report);
  void recipients_from_text(const bounce_sources::Sender& sender, GMimeMessage* message, BounceReport& report);
  Said said_about(const std::string& address);
  void fill_original(GMimeObject* top, BounceReport& report) const;

  const BounceParseLimits& limits_;
  int parts_ = 0;
  // The message being read.
  mime::Content content_;
  text::Sections sections_;
  std::string_view failure_text_;  // the text before the copy of the original message
  std::vector<text::Candidate> candidates_;  // the addresses the failure text names, read on first need
  bool candidates_read_ = false;
};

// Where GMime found no text (a MIME structure it could not follow): the raw body.
std::string raw_body(std::string_view raw) {
  size_t body = raw.find("\n\n");
  if (const size_t crlf = raw.find("\r\n\r\n"); crlf != std::string_view::npos && crlf < body) body = crlf;
  return body == std::string_view::npos ? "" : std::string(raw.substr(body, 512 * 1024));
}

BounceReport Reader::read(GMimeMessage* message, std::string_view raw, int depth) {
  BounceReport report;
  GMimeObject* top = GMIME_OBJECT(message);
  report.from = text::one_line(mime::header(top, "From"), 300);
  report.subject = text::one_line(mime::header(top, "Subject"), 300);
  content_ = mime::collect(message, limits_, depth, parts_);
  if (content_.text.empty() && content_.delivery_status.empty() && !content_.beyond_limits)
    content_.text = raw_body(raw);
  sections_ = text::find_sections(content_.text);
  failure_text_ = std::string_view(content_.text).substr(0, std::min(sections_.original, content_.text.size()));
  const bounce_sources::Sender sender = bounce_sources::read_sender(top);
  const bool machine = sender.system || sender.null_path || !sender.failed.empty();

  // 1. Complaints: ARF, Microsoft's JMRP ("complaint about message from ..."
  //    with the message attached), Apple's unsubscribe reports. The
  //    recipient is the complainer: Original-Rcpt-To, else the message's.
  const bool jmrp =
      content_.returned && text::lower(report.subject).find("complaint about message from") != std::string::npos;
  if (!content_.feedback_report.empty() || content_.report_type == "feedback-report" || jmrp ||
      text::lower(text::trim(mime::header(top, "X-Apple-Unsubscribe"))) == "true") {
    report.kind = MessageKind::complaint;
    for (const std::string& part : content_.feedback_report)
      for (const text::Fields& block : text::field_blocks(part))
        for (const auto& [name, value] : block) {
          if (name == "reporting-mta" && report.reporting_mta.empty()) report.reporting_mta = mta_name(value);
          if (name == "original-rcpt-to" || name == "removal-recipient")
            if (const std::string address = typed_address(value); !address.empty())
              add_recipient(report, {address, "", "", ""}, limits_);
        }
    if (report.recipients.empty() && content_.returned) {
      std::string complainer = mime::header(GMIME_OBJECT(content_.returned), "X-HmXmrOriginalRecipient");
      if (complainer.empty()) complainer = mime::header(GMIME_OBJECT(content_.returned), "To");
      const auto hits = text::find_addresses(complainer, 2);
      if (hits.size() == 1) add_recipient(report, {hits.front().address, "", "", ""}, limits_);
    }
    fill_original(top, report);
    return report;
  }

  // 2. RFC 3464 recipient blocks.
  std::vector<text::Fields> blocks;
  for (const std::string& part : content_.delivery_status)
    for (text::Fields& block : text::field_blocks(part)) blocks.push_back(std::move(block));
  recipients_from_blocks(blocks, report);
  if (report.recipients.empty() && machine) recipients_from_blocks(text::field_blocks(failure_text_), report);
  if (report.recipients.empty() && (machine || sender.no_reply || sender.auto_submitted))
    bounce_sources::read_ses_notification(content_.text, report, limits_);
  if (!report.recipients.empty()) {
    std::stable_partition(report.recipients.begin(), report.recipients.end(),
                          [](const FailedRecipient& r) { return r.action != "delayed"; });
    if (report.kind == MessageKind::not_a_bounce) report.kind = MessageKind::bounce;
    fill_original(top, report);
    return report;
  }

  // 3. Auto-replies.
  const bool failure_subject = text::has_phrase(report.subject, Phrases::bounce_subject);
  const bool failure_words = text::has_phrase(failure_text_, Phrases::failure_words);
  const bool surely_bounce = !sender.failed.empty() || content_.report_type == "delivery-status" ||
                             (sender.system && (failure_subject || failure_words));
  const bool auto_reply =
      sender.autoreply_header || sender.auto_replied || text::has_phrase(report.subject, Phrases::auto_subject) ||
      ((sender.auto_submitted || sender.null_path) && text::has_phrase(content_.text, Phrases::auto_body));
  if (!surely_bounce && auto_reply) {
    report.kind = MessageKind::auto_reply;
    fill_original(top, report);
    return report;
  }

  // 4. Non-standard bounces: only from a machine, never a person's mail about one.
  if (!surely_bounce && !(machine && failure_words) &&
      !((machine || sender.auto_submitted || sender.no_reply) && failure_subject))
    return report;
  recipients_from_text(sender, message, report);
  if (report.recipients.empty()) return report;
  if (report.kind != MessageKind::bounce) {  // not taken from an attached bounce
    const std::string wording = text::lower(report.subject + "\n" + std::string(failure_text_));
    const bool delayed = text::has_phrase(wording, Phrases::delay_words) &&
                         wording.find("permanent") == std::string::npos &&
                         wording.find("given up") == std::string::npos;
    for (FailedRecipient& r : report.recipients) r.action = delayed ? "delayed" : "";
    report.kind = MessageKind::bounce;
    fill_original(top, report);
  }
  return report;
}

void Reader::recipients_from_blocks(const std::vector<text::Fields>& blocks, BounceReport& report) {
  for (const text::Fields& block : blocks) {
    if (report.reporting_mta.empty()) report.reporting_mta = mta_name(text::field(block, "reporting-mta"));
    std::string address = typed_address(text::field(block, "original-recipient"));
    if (address.empty()) address = typed_address(text::field(block, "final-recipient"));
    if (address.empty()) continue;
    const std::string action = text::lower(text::trim(text::field(block, "action")));
    FailedRecipient r;
    r.address = address;
    r.action = action.substr(0, action.find_first_of(" \t("));
    if (r.action == "delivered" || r.action == "relayed" || r.action == "expanded") continue;
    r.diagnostic = without_type(text::field(block, "diagnostic-code"));
    r.status = text::find_status(text::field(block, "status"));
    if (r.status.empty()) r.status = text::find_status(r.diagnostic);
    r.status = text::refine_status(r.status, r.diagnostic);
    if (r.status.empty() || r.diagnostic.empty() || r.status.compare(1, 4, ".0.0") == 0) {
      // Not in the block, or only its class: what the text says about it.
      const Said said = said_about(address);
      if (r.status.empty()) r.status = said.status;
      else if (!said.own_status.empty() && said.own_status[0] == r.status[0]) r.status = said.own_status;
      if (r.diagnostic.empty()) r.diagnostic = said.diagnostic;
    }
    add_recipient(report, std::move(r), limits_);
  }
}

// What the failure text says about `address`: the status code and SMTP
// reply in its paragraph; when it has none, the text's only reply (if it
// lists one recipient), the lines under the address, the words after "The
// response was:" and the like, in that order.
Said Reader::said_about(const std::string& address) {
  if (!candidates_read_) candidates_ = text::recipient_candidates(failure_text_, sections_.failure_marker, {});
  candidates_read_ = true;
  const auto at = std::find_if(candidates_.begin(), candidates_.end(),
                               [&](const text::Candidate& c) { return c.address == address; });
  const size_t listed =
      std::count_if(candidates_.begin(), candidates_.end(), [](const text::Candidate& c) { return c.tier <= 1; });
  text::Details d;
  if (at != candidates_.end()) {
    size_t until = failure_text_.size();
    for (const text::Candidate& c : candidates_)
      if (c.tier <= 1 && c.line_start > at->line_start) until = std::min(until, c.line_start);
    d = text::details_for(failure_text_, at->line_start, at->begin, at->end, until);
  }
  const std::string_view after_marker =
      failure_text_.substr(std::min(sections_.failure_marker == std::string_view::npos ? 0 : sections_.failure_marker,
                                    failure_text_.size()));
  Said said{d.status, d.reply, d.status};
  if (said.status.empty()) said.status = text::find_status(after_marker);
  if (said.status.empty()) said.status = text::find_status(failure_text_);
  if (said.diagnostic.empty() && listed <= 1) said.diagnostic = text::find_reply(after_marker);
  if (said.diagnostic.empty()) said.diagnostic = d.note;
  if (said.diagnostic.empty()) said.diagnostic = text::find_explanation(failure_text_);
  if (said.diagnostic.empty()) said.diagnostic = text::find_reply(failure_text_);
  return said;
}

void Reader::recipients_from_text(const bounce_sources::Sender& sender, GMimeMessage* message, BounceReport& report) {
  GMimeObject* top = GMIME_OBJECT(message);
  // Never the report's own parties, nor the returned message's sender.
  std::string parties;
  for (const char* name : {"From", "To", "Cc", "Reply-To", "Sender", "Return-Path"})
    parties += mime::header(top, name) + "\n";
  mime::Original original;
  if (content_.returned) original = mime::original_of(content_.returned);
  else if (!content_.returned_headers.empty()) original = mime::original_in_text(content_.returned_headers);
  else if (sections_.original < content_.text.size())
    original = mime::original_in_text(content_.text.substr(sections_.original));
  parties += original.from;
  std::vector<std::string> exclude;
  for (const auto& hit : text::find_addresses(parties, 100)) exclude.push_back(hit.address);
  candidates_ = text::recipient_candidates(failure_text_, sections_.failure_marker, exclude);
  candidates_read_ = true;

  const auto take = [&](const std::vector<std::string>& addresses) {
    for (const std::string& address : addresses) {
      const Said said = said_about(address);
      add_recipient(report, {address, said.status, "", said.diagnostic}, limits_);
    }
    return !report.recipients.empty();
  };
  const auto tier = [&](int wanted) {
    std::vector<std::string> addresses;
    for (const text::Candidate& c : candidates_)
      if (c.tier == wanted) addresses.push_back(c.address);
    return addresses;
  };
  if (take(sender.failed) || take(tier(0)) || take(tier(1))) return;
  // A bounce attached to this one (a forwarded report): its recipients.
  if (content_.returned && content_.returned_depth <= limits_.max_mime_depth) {
    Reader inner(limits_);
    inner.parts_ = parts_;
    BounceReport attached = inner.read(content_.returned, "", content_.returned_depth);
    parts_ = inner.parts_;
    if (attached.kind == MessageKind::bounce) {
      report.kind = MessageKind::bounce;
      report.recipients = std::move(attached.recipients);
      report.original_message_id = attached.original_message_id;
      report.original_from = attached.original_from;
      report.original_subject = attached.original_subject;
      report.reporting_mta = attached.reporting_mta;
      return;
    }
  }
  if (take(tier(2)) || take(tier(3))) return;
  // Naming nobody: the returned message was addressed to the failed recipient.
  std::vector<std::string> to;
  for (const auto& hit : text::find_addresses(original.to, 20))
    if (std::find(exclude.begin(), exclude.end(), hit.address) == exclude.end()) to.push_back(hit.address);
  take(to);
}

void Reader::fill_original(GMimeObject* top, BounceReport& report) const {
  mime::Original o;
  if (content_.returned) o = mime::original_of(content_.returned);
  if (o.empty() && !content_.returned_headers.empty()) o = mime::original_in_text(content_.returned_headers);
  if (o.empty() && sections_.original < content_.text.size())
    o = mime::original_in_text(std::string_view(content_.text).substr(sections_.original));
  // Else quoted in the failure text ("  Subject: ..." in Exchange and Domino reports).
  if (o.empty() && report.kind != MessageKind::auto_reply) {
    o.subject = mime::decode_text(text::quoted_field(failure_text_, "subject"));
    o.message_id = text::without_angles(text::quoted_field(failure_text_, "message-id"));
  }
  if (o.message_id.empty()) o.message_id = text::without_angles(mime::header(top, "In-Reply-To"));
  if (report.original_message_id.empty()) report.original_message_id = text::one_line(o.message_id, 300);
  if (report.original_from.empty()) report.original_from = text::one_line(o.from, 300);
  if (report.original_subject.empty()) report.original_subject = text::one_line(o.subject, 300);
  if (report.original_trace.empty()) report.original_trace = std::move(o.trace);
  // No Reporting-MTA: the bouncing host, as its From tells it.
  if (report.reporting_mta.empty() && report.kind != MessageKind::auto_reply) {
    const auto hits = text::find_addresses(report.from, 1);
    if (!hits.empty()) report.reporting_mta = hits.front().address.substr(hits.front().address.find('@') + 1);
  }
}

// GMime builds every part and header it finds before we read any, so the
// input is cut where more would only cost memory: after the header block's
// 2,000th line, and before the boundary line ("--...") past
// max(16 × max_parts, 1,024) (a 2 MB message of empty parts otherwise costs
// half a gigabyte). Nothing the limits let us read is lost.
std::string_view bounded(std::string_view message, const BounceParseLimits& limits) {
  const size_t max_boundaries = std::max<size_t>(16 * static_cast<size_t>(std::max(limits.max_parts, 0)), 1024);
  size_t header_lines = 0, boundaries = 0;
  bool in_headers = true;
  for (size_t pos = 0; pos < message.size();) {
    const size_t end = message.find('\n', pos);
    const std::string_view line =
        message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (in_headers && (line.empty() || line == "\r")) in_headers = false;
    if (in_headers && ++header_lines > 2000) return message.substr(0, pos);
    if (!in_headers && line.size() >= 2 && line[0] == '-' && line[1] == '-' && ++boundaries > max_boundaries)
      return message.substr(0, pos);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return message;
}

}  // namespace

const char* kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::bounce: return "bounce";
    case MessageKind::complaint: return "complaint";
    case MessageKind::auto_reply: return "auto-reply";
    case MessageKind::not_a_bounce: return "not-a-bounce";
  }
  return "not-a-bounce";
}

BounceReport parse_bounce(std::string_view message, const BounceParseLimits& limits) {
  try {
    mime::init();
    message = bounded(message.substr(0, limits.max_message_bytes), limits);
    mime::GPtr<GMimeMessage> parsed = mime::parse(message);
    if (!parsed) return {};
    Reader reader(limits);
    return reader.read(parsed.get(), message, 0);
  } catch (...) {
    return {};  // out of memory, or a regex over its complexity limit: nothing we can read
  }
}

std::string bounce_report_json(const BounceReport& report) {
  nlohmann::ordered_json out;
  out["kind"] = kind_name(report.kind);
  out["recipients"] = nlohmann::json::array();
  for (const FailedRecipient& r : report.recipients) out["recipients"].push_back(r.address);
  const FailedRecipient first = report.recipients.empty() ? FailedRecipient{} : report.recipients.front();
  out["status"] = first.status;
  out["action"] = first.action;
  out["diagnostic"] = first.diagnostic;
  out["original_message_id"] = report.original_message_id;
  out["original_from"] = report.original_from;
  out["original_subject"] = report.original_subject;
  out["reporting_mta"] = report.reporting_mta;
  out["from"] = report.from;
  out["subject"] = report.subject;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace spamgate

#include "bounce/bounce_report.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>

#include <boost/regex.hpp>
#include <nlohmann/json.hpp>

#include "util/ascii.h"

namespace spamgate {
namespace {

// Releases a GObject at scope exit.
struct Unref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref>;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

// One line, at most `limit` bytes.
std::string one_line(std::string text, size_t limit = 500) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\t'; }, ' ');
  text = trim(text);
  std::string squeezed;
  for (char c : text)
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  if (squeezed.size() > limit) squeezed.resize(limit);
  return squeezed;
}

std::string without_angles(std::string id) {
  id = trim(id);
  if (const size_t open = id.find('<'); open != std::string::npos) {
    const size_t close = id.find('>', open);
    id = id.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
  }
  return trim(id);
}

// RFC 822-style header blocks ("Name: value", folded lines joined), as
// found in message/delivery-status and text/rfc822-headers parts. A blank
// line ends a block.
using Fields = std::vector<std::pair<std::string, std::string>>;
std::vector<Fields> field_blocks(std::string_view text) {
  std::vector<Fields> blocks(1);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (trim(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
    } else if ((line[0] == ' ' || line[0] == '\t') && !blocks.back().empty()) {
      blocks.back().back().second += " " + trim(line);
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos && colon > 0) {
      blocks.back().emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }
    if (end == text.size()) break;
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

std::string field(const Fields& fields, const char* name) {
  for (const auto& [key, value] : fields)
    if (key == name) return value;
  return "";
}

// "rfc822; user@example.org" -> "user@example.org"
std::string typed_address(const std::string& value) {
  const size_t semicolon = value.find(';');
  return lower(without_angles(semicolon == std::string::npos ? value : value.substr(semicolon + 1)));
}

const boost::regex& status_pattern() {
  static const boost::regex pattern(R"(\b([245])\.(\d{1,3})\.(\d{1,3})\b)");
  return pattern;
}

std::string first_status(const std::string& text) {
  boost::smatch match;
  return boost::regex_search(text, match, status_pattern()) ? match.str(0) : "";
}

// What the walk over the MIME tree collects.
struct Collected {
  std::vector<Fields> dsn_blocks;       // message/delivery-status
  bool feedback_report = false;         // message/feedback-report (ARF)
  std::string text;                     // the text parts, in order
  Fields original_headers;              // the returned message's headers
  int parts = 0;
};

std::string part_content(GMimePart* part, size_t limit) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return "";
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), std::min<size_t>(bytes->len, limit));
}

void take_headers(Fields& into, GMimeObject* object) {
  if (!into.empty()) return;
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  const int count = g_mime_header_list_get_count(headers);
  for (int i = 0; i < count && i < 200; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    const char* name = g_mime_header_get_name(header);
    const char* value = g_mime_header_get_value(header);
    if (name && value) into.emplace_back(lower(name), value);
  }
}

void walk(GMimeObject* object, int depth, const BounceParseLimits& limits, Collected& out) {
  if (!object || depth > limits.max_mime_depth || ++out.parts > limits.max_parts) return;
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), depth + 1, limits, out);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object)) {  // message/rfc822: the returned message
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (inner) take_headers(out.original_headers, GMIME_OBJECT(inner));
    return;
  }
  if (!GMIME_IS_PART(object)) return;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  const char* major = g_mime_content_type_get_media_type(type);
  const char* minor = g_mime_content_type_get_media_subtype(type);
  std::string media = major ? major : "";
  media.append("/").append(minor ? minor : "");
  media = lower(media);
  const std::string content = part_content(GMIME_PART(object), limits.max_message_bytes);
  if (media == "message/delivery-status" || media == "message/global-delivery-status") {
    for (Fields& block : field_blocks(content)) out.dsn_blocks.push_back(std::move(block));
  } else if (media == "message/feedback-report") {
    out.feedback_report = true;
  } else if (media == "text/rfc822-headers" || media == "text/rfc822-header") {
    if (out.original_headers.empty()) {
      auto blocks = field_blocks(content);
      if (!blocks.empty()) out.original_headers = std::move(blocks.front());
    }
  } else if (media.rfind("text/", 0) == 0 && media != "text/html") {
    out.text += content + "\n";
  } else if (media == "text/html" && out.text.empty()) {
    out.text += content + "\n";
  }
}

// Phrases that start the copy of the returned message in a bounce's text.
const char* const kOriginalMarkers[] = {
    "original message follows", "below this line is a copy of the message", "copy of the message",
    "original message headers", "----- original message -----", "returned message", "message headers follow",
    "the original message was received", "content-type: message/rfc822", "\nreceived: from",
    "\nreturn-path:", "--- the header of the original message", "bounced e-mail", "bounced message",
    "original message:",
};

// Words that say a text is about a failed delivery.
const char* const kBounceWords[] = {
    "undeliver", "undelivered", "delivery status notification (failure)", "failure notice",
    "returned mail", "mail delivery failed", "delivery failure", "could not be delivered",
    "couldn't be delivered", "delivery has failed", "non-delivery", "nondeliverable",
    "returned to sender", "permanent error", "permanent fatal error", "user unknown", "mailbox unavailable",
    "no such user", "recipient address rejected", "delivery to the following recipient", "was not delivered",
    "message not delivered", "unable to deliver", "delivery notification: delivery has failed",
    "rejected your message", "mail system error", "mailbox is full", "quota exceeded", "address not found",
    "delivery problem", "permanent delivery error", "no such user", "invalid user", "message rejected",
    "メールエラー", "送信できませんでした", "配信できませんでした", "届きませんでした", "宛先不明",
};

const char* const kAutoReplyWords[] = {"out of office", "out of the office", "automatic reply", "auto-reply",
                                       "autoreply", "vacation", "away from", "auto reply", "abwesend"};

bool contains_any(const std::string& haystack, const char* const* words, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (haystack.find(words[i]) != std::string::npos) return true;
  return false;
}

const boost::regex& address_pattern() {
  static const boost::regex pattern(R"([A-Za-z0-9._%+=-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)");
  return pattern;
}

bool is_system_address(const std::string& address) {
  const std::string local = address.substr(0, address.find('@'));
  return local == "mailer-daemon" || local == "postmaster" || local == "post_master" || local == "root" ||
         local.rfind("bounce", 0) == 0 || local == "noreply" || local == "no-reply" || local == "abuse";
}

// A sender that only machines use: the bouncing system's own address.
bool is_system_sender(const std::string& from_lower) {
  for (const char* word : {"mailer-daemon", "postmaster", "post_master", "mail delivery", "no-reply", "noreply",
                           "mail administrator", "mailer"})
    if (from_lower.find(word) != std::string::npos) return true;
  return false;
}

// The failed recipients named in a bounce's free text (before the copy of
// the original message), with the status and server reply near each.
void recipients_from_text(const std::string& failure_text, const std::vector<std::string>& exclude,
                          BounceReport& report, const BounceParseLimits& limits, bool allow_system = false) {
  const std::string whole_status = first_status(failure_text);
  // An "RCPT TO:" line names the recipient outright; then only those count.
  static const boost::regex rcpt_line(R"(rcpt to:?\s*<?[^\s<>@]+@)", boost::regex::icase);
  const bool has_rcpt_lines = boost::regex_search(failure_text, rcpt_line);
  auto begin = boost::sregex_iterator(failure_text.begin(), failure_text.end(), address_pattern());
  for (auto it = begin; it != boost::sregex_iterator(); ++it) {
    const std::string address = lower(it->str());
    if (!allow_system && is_system_address(address)) continue;
    if (has_rcpt_lines) {
      const size_t at = static_cast<size_t>(it->position());
      const size_t line_start = failure_text.rfind('\n', at) == std::string::npos ? 0 : failure_text.rfind('\n', at) + 1;
      if (lower(failure_text.substr(line_start, at - line_start)).find("rcpt to") == std::string::npos) continue;
    }
    if (std::find(exclude.begin(), exclude.end(), address) != exclude.end()) continue;
    if (std::any_of(report.recipients.begin(), report.recipients.end(),
                    [&](const FailedRecipient& r) { return r.address == address; }))
      continue;
    if (static_cast<int>(report.recipients.size()) >= limits.max_recipients) break;
    FailedRecipient r;
    r.address = address;
    // The reply: the rest of the address's line and the next few lines.
    const size_t at = static_cast<size_t>(it->position());
    const size_t line_start = failure_text.rfind('\n', at) == std::string::npos ? 0 : failure_text.rfind('\n', at) + 1;
    std::string nearby = failure_text.substr(line_start, 400);
    r.status = first_status(nearby);
    if (r.status.empty()) r.status = whole_status;
    static const boost::regex reply(R"(\b[45]\d\d[ -][^\r\n]{3,})");
    boost::smatch match;
    if (boost::regex_search(nearby, match, reply)) r.diagnostic = one_line(match.str(0));
    else if (boost::regex_search(failure_text, match, reply)) r.diagnostic = one_line(match.str(0));
    report.recipients.push_back(std::move(r));
  }
}

// The returned message's headers quoted in a bounce's text.
void original_from_text(const std::string& text, BounceReport& report) {
  static const boost::regex message_id(R"((?:^|\n)\s*Message-Id:\s*(<[^>\r\n]{3,250}>))", boost::regex::icase);
  static const boost::regex from(R"((?:^|\n)\s*From:\s*([^\r\n]{1,300}))", boost::regex::icase);
  static const boost::regex subject(R"((?:^|\n)\s*Subject:\s*([^\r\n]{1,300}))", boost::regex::icase);
  boost::smatch match;
  if (report.original_message_id.empty() && boost::regex_search(text, match, message_id))
    report.original_message_id = without_angles(match.str(1));
  if (report.original_from.empty() && boost::regex_search(text, match, from)) report.original_from = trim(match.str(1));
  if (report.original_subject.empty() && boost::regex_search(text, match, subject))
    report.original_subject = trim(match.str(1));
}

std::string decoded(const char* text) {
  if (!text) return "";
  char* value = g_mime_utils_header_decode_text(nullptr, text);
  std::string out = value ? value : text;
  g_free(value);
  return out;
}

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
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
  BounceReport report;
  try {
    init_gmime();
    message = message.substr(0, limits.max_message_bytes);
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    GPtr<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!parsed) return report;
    GMimeObject* top = GMIME_OBJECT(parsed.get());
    auto header = [&](const char* name) {
      const char* value = g_mime_object_get_header(top, name);
      return std::string(value ? value : "");
    };
    report.from = one_line(decoded(header("From").c_str()), 300);
    report.subject = one_line(decoded(header("Subject").c_str()), 300);

    Collected c;
    walk(g_mime_message_get_mime_part(parsed.get()), 0, limits, c);
    if (c.text.empty()) {  // MIME structure GMime could not follow (a broken boundary): read the raw body
      size_t body = message.find("\n\n");
      if (const size_t crlf = message.find("\r\n\r\n"); crlf != std::string_view::npos && crlf < body) body = crlf;
      if (body != std::string_view::npos) c.text = std::string(message.substr(body));
    }

    // The returned message, from an attached copy or its headers.
    report.original_message_id = without_angles(field(c.original_headers, "message-id"));
    report.original_from = one_line(decoded(field(c.original_headers, "from").c_str()), 300);
    report.original_subject = one_line(decoded(field(c.original_headers, "subject").c_str()), 300);

    const std::string subject = lower(report.subject);
    const std::string from = lower(report.from);
    const std::string auto_submitted = lower(header("Auto-Submitted"));
    const std::string text_lower = lower(c.text);

    if (c.feedback_report) {
      report.kind = MessageKind::complaint;
      original_from_text(c.text, report);
      return report;
    }

    // RFC 3464: a recipient block per recipient after the per-message block.
    for (const Fields& block : c.dsn_blocks) {
      if (report.reporting_mta.empty()) report.reporting_mta = typed_address(field(block, "reporting-mta"));
      const std::string final_recipient = field(block, "final-recipient");
      const std::string original_recipient = field(block, "original-recipient");
      if (final_recipient.empty() && original_recipient.empty()) continue;
      const std::string action = lower(field(block, "action"));
      const std::string status = first_status(field(block, "status"));
      if (action == "delivered" || action == "relayed" || action == "expanded") continue;
      if (static_cast<int>(report.recipients.size()) >= limits.max_recipients) break;
      FailedRecipient r;
      r.address = typed_address(final_recipient.empty() ? original_recipient : final_recipient);
      r.action = action;
      r.status = status;
      r.diagnostic = one_line(field(block, "diagnostic-code"));
      if (const size_t semicolon = r.diagnostic.find(';'); semicolon != std::string::npos && semicolon < 12)
        r.diagnostic = trim(r.diagnostic.substr(semicolon + 1));
      report.recipients.push_back(std::move(r));
    }
    if (!report.recipients.empty()) {
      report.kind = MessageKind::bounce;
      original_from_text(c.text, report);
      return report;
    }

    // Auto-replies: marked as such and not worded as a delivery failure.
    const bool failure_words = contains_any(subject, kBounceWords, std::size(kBounceWords)) ||
                               from.find("mailer-daemon") != std::string::npos ||
                               from.find("postmaster") != std::string::npos ||
                               from.find("mail delivery") != std::string::npos;
    const bool auto_marked = auto_submitted.rfind("auto-replied", 0) == 0 || !header("X-Autoreply").empty() ||
                             !header("X-Autorespond").empty() || lower(header("Precedence")) == "auto_reply" ||
                             contains_any(subject, kAutoReplyWords, std::size(kAutoReplyWords));
    if (auto_marked && !failure_words) {
      report.kind = MessageKind::auto_reply;
      return report;
    }
    const bool failure_text_words = contains_any(text_lower, kBounceWords, std::size(kBounceWords));
    if (!failure_words && !failure_text_words) return report;
    // Failure words in the text of a person's mail are not a bounce: the
    // text must come from a machine (a system sender or Auto-Submitted).
    if (!failure_words && auto_submitted.empty() && !is_system_sender(from)) return report;

    // A bounce in free text: recipients before the copy of the message.
    size_t cut = text_lower.size();
    for (const char* marker : kOriginalMarkers)
      if (const size_t at = text_lower.find(marker); at != std::string::npos && at > 0) cut = std::min(cut, at);
    const std::string failure_text = c.text.substr(0, cut);
    std::vector<std::string> exclude;
    for (const std::string& own : {header("To"), header("From"), report.original_from})
      for (auto it = boost::sregex_iterator(own.begin(), own.end(), address_pattern()); it != boost::sregex_iterator(); ++it)
        exclude.push_back(lower(it->str()));
    recipients_from_text(failure_text, exclude, report, limits);
    original_from_text(c.text.substr(std::min(cut, c.text.size())), report);
    if (!report.recipients.empty()) report.kind = MessageKind::bounce;
    // Worded as a bounce but naming nobody but a system address: the
    // postmaster may be the recipient that failed.
    if (report.recipients.empty()) recipients_from_text(failure_text, exclude, report, limits, true);
    // Naming nobody before the copy: the whole text (a Received "for <...>").
    if (report.recipients.empty()) recipients_from_text(c.text, exclude, report, limits);
    // Naming nobody at all: the returned message's own To.
    if (report.recipients.empty()) {
      const std::string to = field(c.original_headers, "to");
      auto it = boost::sregex_iterator(to.begin(), to.end(), address_pattern());
      if (it != boost::sregex_iterator()) {
        FailedRecipient r;
        r.address = lower(it->str());
        r.status = first_status(failure_text);
        static const boost::regex reply(R"(\b[45]\d\d[ -][^\r\n]{3,})");
        boost::smatch match;
        if (boost::regex_search(failure_text, match, reply)) r.diagnostic = one_line(match.str(0));
        report.recipients.push_back(std::move(r));
      }
    }
    if (!report.recipients.empty()) report.kind = MessageKind::bounce;
  } catch (const std::exception&) {
    return BounceReport{};  // out of memory or a regex limit: not a bounce we can read
  }
  return report;
}

std::string bounce_report_json(const BounceReport& report) {
  nlohmann::ordered_json out;
  out["kind"] = kind_name(report.kind);
  out["recipients"] = nlohmann::json::array();
  for (const FailedRecipient& r : report.recipients) out["recipients"].push_back(r.address);
  out["status"] = report.recipients.empty() ? "" : report.recipients.front().status;
  out["diagnostic"] = report.recipients.empty() ? "" : report.recipients.front().diagnostic;
  out["original_message_id"] = report.original_message_id;
  out["original_from"] = report.original_from;
  out["original_subject"] = report.original_subject;
  out["reporting_mta"] = report.reporting_mta;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace spamgate

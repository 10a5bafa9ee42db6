#include "bounce/report/original_message.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "bounce/report/mime.h"
#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace mime = bounce_mime;
namespace text = bounce_text;

namespace {

constexpr size_t kMaxTrace = 50;         // Received and DKIM-Signature fields kept of a returned message
constexpr size_t kMaxTraceField = 1000;  // bytes kept of each

Original read_headers(GMimeMessage* message) {
  Original o;
  GMimeObject* object = GMIME_OBJECT(message);
  const char* id = g_mime_message_get_message_id(message);
  o.message_id = id && *id ? id : text::without_angles(mime::header(object, "Message-ID"));
  o.from = text::one_line(mime::header(object, "From"), 300);
  o.subject = text::one_line(mime::header(object, "Subject"), 300);
  o.to = text::one_line(mime::header(object, "To"), 1000);
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  const int count = headers ? g_mime_header_list_get_count(headers) : 0;
  for (int i = 0; i < count && o.trace.size() < kMaxTrace; ++i) {
    GMimeHeader* field = g_mime_header_list_get_header_at(headers, i);
    const char* name = g_mime_header_get_name(field);
    const char* value = g_mime_header_get_value(field);
    if (!name || !value) continue;
    if (g_ascii_strcasecmp(name, "Received") == 0)
      o.trace.push_back("received: " + text::one_line(value, kMaxTraceField));
    else if (g_ascii_strcasecmp(name, "DKIM-Signature") == 0)
      o.trace.push_back("dkim-signature: " + text::one_line(value, kMaxTraceField));
  }
  return o;
}

Original original_in_text(std::string_view quoted) {
  const std::string_view headers = text::quoted_headers(quoted);
  if (headers.empty()) return {};
  mime::GPtr<GMimeMessage> message = mime::parse(headers.substr(0, 64 * 1024));
  return message ? read_headers(message.get()) : Original{};
}

Original original_of(GMimeMessage* message) {
  Original o = read_headers(message);
  if (!o.empty()) return o;
  // No header block GMime recognised (a blank line before it): the text.
  char* whole = g_mime_object_to_string(GMIME_OBJECT(message), nullptr);
  if (!whole) return o;
  const std::string copy(whole, std::min(std::strlen(whole), mime::kMaxText));
  g_free(whole);
  const std::string_view body = copy;
  const size_t blank = body.find("\n\n");
  return original_in_text(blank == std::string_view::npos ? body : body.substr(blank));
}

}  // namespace

Original returned_original(const Message& message) {
  const mime::Content& content = message.content;
  if (content.returned) return original_of(content.returned);
  if (!content.returned_headers.empty()) return original_in_text(content.returned_headers);
  if (message.sections.original < content.text.size())
    return original_in_text(std::string_view(content.text).substr(message.sections.original));
  return {};
}

void fill_original(const Message& message, BounceReport& report) {
  const mime::Content& content = message.content;
  const std::string_view failure_text = message.failure.text();
  Original o;
  if (content.returned) o = original_of(content.returned);
  if (o.empty() && !content.returned_headers.empty()) o = original_in_text(content.returned_headers);
  if (o.empty() && message.sections.original < content.text.size())
    o = original_in_text(std::string_view(content.text).substr(message.sections.original));
  // Else quoted in the failure text ("  Subject: ..." in Exchange and Domino reports).
  if (o.empty() && report.kind != MessageKind::auto_reply) {
    o.subject = mime::decode_text(text::quoted_field(failure_text, "subject"));
    o.message_id = text::without_angles(text::quoted_field(failure_text, "message-id"));
  }
  if (o.message_id.empty()) o.message_id = text::without_angles(mime::header(message.top, "In-Reply-To"));
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

}  // namespace spamgate::bounce_report

#include "bounce/report/ses_notification.h"

#include <nlohmann/json.hpp>

#include "bounce/report/delivery_status.h"
#include "bounce/report/message.h"
#include "bounce/report/text.h"
#include "util/json_text.h"

namespace spamgate::bounce_report {

namespace text = bounce_text;

void read_ses_notification(std::string_view text, BounceReport& report, const BounceParseLimits& limits) {
  if (text.find("notificationType") == std::string_view::npos && text.find("eventType") == std::string_view::npos)
    return;
  const size_t open = text.find('{'), close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open || close - open > 256 * 1024)
    return;
  using json = nlohmann::json;
  std::string body(text.substr(open, close - open + 1));
  json notice = parse_json_or_discarded(body);
  if (notice.is_discarded()) {  // lines some mailers broke with "!" at the end: joined again
    for (size_t at = body.find("!\n "); at != std::string::npos; at = body.find("!\n ", at)) body.erase(at, 3);
    for (size_t at = body.find("!\r\n "); at != std::string::npos; at = body.find("!\r\n ", at)) body.erase(at, 4);
    notice = parse_json_or_discarded(body);
  }
  const auto string_at = [](const json& object, const char* key) {
    const auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const std::string inner = string_at(notice, "Message"); !inner.empty())
    notice = parse_json_or_discarded(inner);
  if (!notice.is_object()) return;
  std::string type = string_at(notice, "notificationType");
  if (type.empty()) type = string_at(notice, "eventType");
  const auto list_at = [](const json& object, const char* outer, const char* inner) {
    const auto it = object.find(outer);
    if (it == object.end() || !it->is_object()) return json::array();
    const auto list = it->find(inner);
    return list != it->end() && list->is_array() ? *list : json::array();
  };
  if (type == "Bounce") {
    for (const json& r : list_at(notice, "bounce", "bouncedRecipients")) {
      const std::string address = text::lower(text::without_angles(string_at(r, "emailAddress")));
      if (address.find('@') == std::string::npos) continue;
      const std::string diagnostic = without_type(string_at(r, "diagnosticCode"));
      std::string status = text::find_status(string_at(r, "status"));
      if (status.empty()) status = text::find_status(diagnostic);
      add_recipient(report,
                    {address, text::refine_status(status, diagnostic), text::lower(string_at(r, "action")), diagnostic},
                    limits);
    }
    if (const auto bounce = notice.find("bounce"); bounce != notice.end())
      report.reporting_mta = mta_name(string_at(*bounce, "reportingMTA"));
  } else if (type == "Complaint") {
    for (const json& r : list_at(notice, "complaint", "complainedRecipients")) {
      const std::string address = text::lower(text::without_angles(string_at(r, "emailAddress")));
      if (address.find('@') != std::string::npos) add_recipient(report, {address, "", "", ""}, limits);
    }
    report.kind = MessageKind::complaint;
  }
  if (report.recipients.empty()) return;
  if (const auto mail = notice.find("mail"); mail != notice.end() && mail->is_object()) {
    const auto common = mail->find("commonHeaders");
    if (common != mail->end()) {
      report.original_message_id = text::one_line(text::without_angles(string_at(*common, "messageId")), 300);
      report.original_subject = text::one_line(string_at(*common, "subject"), 300);
      if (const auto from = common->find("from"); from != common->end() && from->is_array() && !from->empty() &&
                                                  from->front().is_string())
        report.original_from = text::one_line(from->front().get<std::string>(), 300);
    }
    if (report.original_message_id.empty())
      report.original_message_id = text::one_line(text::without_angles(string_at(*mail, "messageId")), 300);
  }
}

}  // namespace spamgate::bounce_report

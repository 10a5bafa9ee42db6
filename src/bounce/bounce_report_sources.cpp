#include "bounce/bounce_report_sources.h"

#include <nlohmann/json.hpp>

#include "bounce/bounce_report_mime.h"
#include "bounce/bounce_report_text.h"

namespace spamgate::bounce_sources {

namespace mime = bounce_mime;
namespace text = bounce_text;

Sender read_sender(GMimeObject* top) {
  Sender s;
  const std::string from = text::lower(mime::header(top, "From"));
  for (const char* word : {"mailer-daemon", "mailer_daemon", "mailerdaemon", "mailer daemon", "postmaster",
                           "post_master", "mail delivery", "mail-delivery", "mail.delivery", "mail administrator",
                           "ndr administrator", "system administrator"})
    s.system = s.system || from.find(word) != std::string::npos;
  for (const char* word : {"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply"})
    s.no_reply = s.no_reply || from.find(word) != std::string::npos;
  bool has_path = false;
  const std::string path = text::lower(text::trim(mime::header(top, "Return-Path", &has_path)));
  s.null_path = has_path && (path.empty() || path == "<>" || path.find("mailer-daemon") != std::string::npos);
  const std::string auto_submitted = text::lower(text::trim(mime::header(top, "Auto-Submitted")));
  s.auto_submitted = !auto_submitted.empty() && auto_submitted != "no";
  s.auto_replied = auto_submitted.rfind("auto-replied", 0) == 0;
  for (const char* name : {"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"}) {
    bool present = false;
    const std::string value = text::lower(text::trim(mime::header(top, name, &present)));
    s.autoreply_header = s.autoreply_header || (present && value != "no" && value != "false");
  }
  s.autoreply_header = s.autoreply_header || text::lower(text::trim(mime::header(top, "Precedence"))) == "auto_reply" ||
                       text::lower(text::trim(mime::header(top, "X-Apple-Action"))) == "vacation";
  for (const auto& hit : text::find_addresses(mime::header(top, "X-Failed-Recipients"), 50))
    s.failed.push_back(hit.address);
  return s;
}

std::string typed_address(const std::string& value) {
  const size_t semicolon = value.find(';');
  std::string address =
      text::lower(text::without_angles(semicolon == std::string::npos ? value : value.substr(semicolon + 1)));
  return address.find('@') != std::string::npos && address.find(' ') == std::string::npos ? address : "";
}

std::string mta_name(const std::string& value) {
  const size_t semicolon = value.find(';');
  std::string name = text::trim(semicolon == std::string::npos ? value : value.substr(semicolon + 1));
  return text::one_line(name.substr(0, name.find_first_of(" \t(")), 255);
}

std::string without_type(const std::string& diagnostic) {
  const size_t semicolon = diagnostic.find(';');
  if (semicolon != std::string::npos && semicolon < 40 &&
      diagnostic.find_first_of(" \t") > semicolon)
    return text::one_line(diagnostic.substr(semicolon + 1));
  return text::one_line(diagnostic);
}

void add_recipient(BounceReport& report, FailedRecipient r, const BounceParseLimits& limits) {
  for (FailedRecipient& known : report.recipients)
    if (known.address == r.address) {  // the same recipient twice: the first block, completed
      if (known.status.empty()) known.status = r.status;
      if (known.diagnostic.empty()) known.diagnostic = r.diagnostic;
      return;
    }
  if (static_cast<int>(report.recipients.size()) < limits.max_recipients) report.recipients.push_back(std::move(r));
}

void read_ses_notification(std::string_view text, BounceReport& report, const BounceParseLimits& limits) {
  if (text.find("notificationType") == std::string_view::npos && text.find("eventType") == std::string_view::npos)
    return;
  const size_t open = text.find('{'), close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open || close - open > 256 * 1024)
    return;
  using json = nlohmann::json;
  std::string body(text.substr(open, close - open + 1));
  json notice = json::parse(body, nullptr, false);
  if (notice.is_discarded()) {  // lines some mailers broke with "!" at the end: joined again
    for (size_t at = body.find("!\n "); at != std::string::npos; at = body.find("!\n ", at)) body.erase(at, 3);
    for (size_t at = body.find("!\r\n "); at != std::string::npos; at = body.find("!\r\n ", at)) body.erase(at, 4);
    notice = json::parse(body, nullptr, false);
  }
  const auto string_at = [](const json& object, const char* key) {
    const auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const std::string inner = string_at(notice, "Message"); !inner.empty())
    notice = json::parse(inner, nullptr, false);
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

}  // namespace spamgate::bounce_sources

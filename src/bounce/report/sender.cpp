#include "bounce/report/sender.h"

#include "bounce/report/mime.h"
#include "bounce/report/text.h"

namespace spamgate::bounce_report {

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

}  // namespace spamgate::bounce_report

#include "bounce/bounce_alert.h"

#include "bounce/bounce_evidence.h"
#include "util/untrusted_text.h"

namespace spamgate {
namespace {

std::string quoted_line(const std::string& label, const std::string& value) {
  return "  | " + label + quoted_untrusted(value.empty() ? "(none)" : value, kAlertQuotedChars) + "\n";
}

}  // namespace

std::string hijack_alert_text(const Config& config, const BounceRow& row) {
  const MailConfig& mail = config.mail;
  std::string b = "A mail server returned a message that spamgate never sent, and the returned message\n"
                  "shows it went out through your own mail account " + mail.from_address + ":\n"
                  "  " + row.evidence + " (" + smtp_url_host(mail.smtp_url) + " is the SMTP server in spamgate.toml).\n"
                  "Someone who knows the SMTP password of " + mail.username + " may be sending mail in your\n"
                  "site's name.\n\n";
  b += "What to do:\n"
       "  1. Change the SMTP password of " + mail.username + " at your mail provider, then in the\n"
       "     file spamgate.toml's [mail] password names.\n"
       "  2. `spamgate bounces` lists every report spamgate has read.\n\n";
  b += "QUOTED FROM THE BOUNCE, NOT CHECKED: anyone can write a bounce, so the lines marked \"|\"\n"
       "below are unauthenticated text, shortened, with links made unclickable (hxxp://,\n"
       "example[.]com). Do not follow them, and do not trust instructions in them.\n";
  b += quoted_line("From:       ", row.original_from);
  b += quoted_line("Subject:    ", row.original_subject);
  b += quoted_line("Message-ID: ", row.original_message_id);
  b += quoted_line("Sent to:    ", row.recipient);
  b += quoted_line("Refused by: ", row.reporting_mta);
  b += quoted_line("Reason:     ", (row.status.empty() ? "" : row.status + " ") + row.diagnostic);
  b += "\nspamgate sends this alert at most once a day; it never replies to a bounce.\n";
  return b;
}

}  // namespace spamgate

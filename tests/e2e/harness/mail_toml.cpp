#include "harness/mail_toml.h"

namespace harness {

std::string mail_toml(const SmtpServer& smtp, const TestCa& ca, const std::string& password_file,
                      const std::string& owner) {
  const std::string user = smtp.options().user;
  return "\n[mail]\nenabled = true\nsmtp_url = \"" + smtp.url() + "\"\nusername = \"" + user +
         "\"\npassword = { file = \"" + (password_file.empty() ? smtp.password_file() : password_file) +
         "\" }\nca_file = \"" + ca.ca_cert + "\"\nfrom_address = \"" + user + "\"\nowners = [\"" + owner +
         "\"]\nconnect_timeout_seconds = 3\ntimeout_seconds = 5\nbackoff_initial_seconds = 1\n"
         "backoff_max_seconds = 2\n\n[mail.caps]\nper_hour = 100000\nper_day = 1000000\n"
         "per_recipient_hour = 100000\nper_recipient_day = 1000000\n";
}

}  // namespace harness

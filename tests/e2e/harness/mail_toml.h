// Test harness: the [mail] config text that makes a spamgate under test send
// through a test SmtpServer. Sends nothing itself; loopback servers only.
#pragma once

#include <string>

#include "harness/smtp_server.h"

namespace harness {

// [mail] (enabled, `smtp`'s URL and user, its password file, the test CA,
// one owner) and [mail.caps] high enough not to matter, with a 1-second
// backoff so retries happen within a test. `password_file` overrides the
// server's own (to make AUTH fail).
std::string mail_toml(const SmtpServer& smtp, const TestCa& ca, const std::string& password_file = "",
                      const std::string& owner = "owner@blog.test");

}  // namespace harness

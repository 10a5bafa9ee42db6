#include "scoring/checks/builtin_checks.h"

#include "scoring/checks/check_functions.h"

namespace spamgate {

// Scores assume the default thresholds (hold 5, reject 10): the two checks
// that only an attack or a bot trips reject on their own, and a post sent
// faster than a person can type (TOO_FAST) or a bare link (LINK_ONLY) is
// held on its own.
const std::vector<BuiltinCheck>& builtin_checks() {
  static const std::vector<BuiltinCheck> kChecks = {
      {"HEADER_INJECTION", 10, "Line break, encoded-word or address list in a single-line field",
       checks::header_injection},
      {"HONEYPOT", 10, "Hidden honeypot field filled in", checks::honeypot},
      {"TOO_FAST", 5, "Form sent too soon after it was shown", checks::too_fast},
      {"NO_TOKEN", 4, "Form token missing, forged or expired", checks::no_token},
      {"RATE_IP", 4, "Too many submissions from this IP address", checks::rate_ip, true},
      {"DUPLICATE", 3, "Same text submitted recently", checks::duplicate, true},
      {"BBCODE_LINK", 3, "BBCode link markup, which WordPress does not render", checks::bbcode_link},
      {"INVALID_EMAIL", 2.5, "E-mail field is not a valid address", checks::invalid_email},
      {"BAD_UTF8", 3, "Text field is not valid UTF-8", checks::bad_utf8},
      {"LINK_ONLY", 5, "The comment is just a link", checks::link_only},
      {"FUZZY", 5, "Near-duplicate of recent spam (marked by the owner, or rejected)", checks::fuzzy},
  };
  return kChecks;
}

}  // namespace spamgate

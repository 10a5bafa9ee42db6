// Private to the bounce-report parser (src/bounce/report/): who wrote the
// report, as its own headers tell it (a mailer-daemon, a null Return-Path,
// a no-reply address, Auto-Submitted, X-Failed-Recipients). Every stage
// reads it; it never decides a kind on its own.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <vector>

namespace spamgate::bounce_report {

// What the report's own headers say about who wrote it and why.
struct Sender {
  bool system = false;            // mailer-daemon, postmaster, "Mail Delivery System"
  bool null_path = false;         // Return-Path: <>
  bool no_reply = false;          // noreply@ and the like
  bool auto_submitted = false;    // Auto-Submitted, any value but "no"
  bool auto_replied = false;      // Auto-Submitted: auto-replied
  bool autoreply_header = false;  // X-Autoreply, X-Autorespond, Precedence: auto_reply
  std::vector<std::string> failed;  // X-Failed-Recipients (Exim, Gmail)
};

Sender read_sender(GMimeObject* top);

}  // namespace spamgate::bounce_report

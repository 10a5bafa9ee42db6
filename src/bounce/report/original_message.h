// Private to the bounce-report parser (src/bounce/report/): where the
// returned (original) message is found, and what it was: the attached
// message/rfc822, a text/rfc822-headers part, the copy after the failure
// text, the fields an Exchange or Domino report quotes, In-Reply-To. Reads
// only what GMime parses from memory; never trusts it beyond one line each.
#pragma once

#include <string>
#include <vector>

#include "bounce/bounce_report.h"
#include "bounce/report/message.h"

namespace spamgate::bounce_report {

// The returned message as its headers tell it.
struct Original {
  std::string message_id;  // without angle brackets
  std::string from, subject, to;
  std::vector<std::string> trace;  // its Received and DKIM-Signature fields, top first (BounceReport::original_trace)
  bool empty() const { return message_id.empty() && from.empty() && subject.empty(); }
};

// The returned message's headers, from the first place that holds any: the
// attached message, else the returned header part, else the copy of the
// original after the failure text. What the non-standard stage excludes
// (its From) and falls back on (its To).
Original returned_original(const Message& message);

// Fills the report's original message (Message-ID, From, Subject, trace)
// where still empty, from the first place that tells it, and the reporting
// MTA from the report's From when no Reporting-MTA named one. An
// auto-reply's quoted fields and From are not read.
void fill_original(const Message& message, BounceReport& report);

}  // namespace spamgate::bounce_report

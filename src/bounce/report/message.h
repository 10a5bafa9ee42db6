// Private to the bounce-report parser (src/bounce/report/): the message
// being read, as every stage sees it (its parts, its failure text, who
// sent it), and the one way a stage adds a recipient to the report. It
// points into GMime's tree and into its own text: never copied, never kept
// after the parse.
#pragma once

#include <gmime/gmime.h>

#include <string_view>

#include "bounce/bounce_report.h"
#include "bounce/report/failure_text.h"
#include "bounce/report/free_text.h"
#include "bounce/report/mime.h"
#include "bounce/report/sender.h"

namespace spamgate::bounce_report {

struct Message {
  // Reads `parsed` (whose bytes are `raw`, or "" for an attached message)
  // from MIME depth `depth`; `parts_walked` counts the parts walked across
  // nested messages.
  Message(GMimeMessage* parsed, std::string_view raw, int depth, const BounceParseLimits& read_limits,
          int& parts_walked);
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  GMimeMessage* message;
  GMimeObject* top;
  const BounceParseLimits& limits;
  int& parts;
  bounce_mime::Content content;
  bounce_text::Sections sections;  // in content.text
  FailureText failure;             // content.text before the copy of the original message
  Sender sender;
  bool machine = false;  // a system sender, a null Return-Path or X-Failed-Recipients
};

// Whether the report's Subject and its failure text word a delivery failure
// (the phrase tables in free_text.cpp): what stages 3 and 4 weigh.
struct FailureWording {
  bool subject = false, text = false;
};
FailureWording failure_wording(const Message& message, const BounceReport& report);

// Adds `r` unless its address is there already (then completes that one's
// empty status and diagnostic), up to limits.max_recipients.
void add_recipient(BounceReport& report, FailedRecipient r, const BounceParseLimits& limits);

}  // namespace spamgate::bounce_report

// SubmissionRecord: one row of the submission log, as stored and as read
// back. Holds the submitted text only for hold and reject: what passed is
// WordPress's business and what was discarded is not kept at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "form/submission.h"
#include "scoring/verdict.h"
#include "util/clock.h"

namespace spamgate {

struct SubmissionRecord {
  std::string id;        // the request id (SPAMGATE_ID)
  int64_t created_at = 0;  // unix seconds
  std::string endpoint;
  std::string kind;      // "comment" | "contact"
  std::string ip;
  std::string action;    // "pass" | "hold" | "reject" | "discard"
  double score = 0;
  std::string rules;     // "PHARMA,LINKS_3"
  std::string hits;      // JSON array [{rule, score, detail}]
  std::optional<std::string> content;  // JSON {author, email, url, subject, body}; hold/reject only
  std::string user_agent;

  // The record as one JSON object (content parsed, hits parsed), for the CLI
  // and APIs. Invalid UTF-8 is replaced, never thrown.
  std::string to_json() const;
};

// The content kept for review: JSON {author, email, url, subject, body}.
std::string submission_content_json(const Submission& submission);

// Builds the row for a scored submission: rules and hits from the verdict,
// content only when the action is hold or reject.
SubmissionRecord make_submission_record(const std::string& id, const Submission& submission,
                                        const Verdict& verdict, TimePoint now);

}  // namespace spamgate

// SubmissionRecord: one row of the submission log, as stored and as read
// back. Holds the submitted text of what was blocked (hold, reject,
// discard) for the owner's review, and of what passed for a few days when
// [review] keep_passed_days asks (so a rule change can be tried on it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "form/submission.h"
#include "scoring/verdict.h"
#include "util/clock.h"

namespace spamgate {

struct SubmissionRecord {
  std::string id;        // the request id (SPAMGATE_ID)
  int64_t created_at = 0;  // unix seconds
  std::string endpoint;
  std::string kind;      // "comment" | "contact" | "form"
  std::string ip;
  std::string action;    // "pass" | "hold" | "reject" | "discard"
  double score = 0;
  std::string rules;     // "PHARMA,LINKS_3"
  std::string hits;      // JSON array [{rule, score, detail}]
  // JSON {author, email, url, subject, body, post_id, parent}; blocked only
  // (post_id and parent: the comment form's, null when absent). Contact
  // and form submissions add "fields" (every field but passwords, as
  // [name, value] pairs) and forms "form" {name, id, container}.
  std::optional<std::string> content;
  std::string user_agent;
  std::optional<std::string> decision;  // the owner's review: "ham" | "spam"; nullopt = not yet
  std::optional<int64_t> decided_at;    // unix seconds
  // Why the blocked text was not kept ("client": over the per-client
  // budget, "duplicate": the same body was kept, "budget": evicted over the
  // total); nullopt when it was (see store/review_budget.h).
  std::optional<std::string> not_kept;
  uint64_t body_hash = 0;  // of the body, for blocked rows (0 = none); not stored
};

// Whether `id` has the form of a record's id (a request id): 16 lowercase hex digits.
bool is_submission_id(std::string_view id);

// The record as one JSON object, hits and content as stored (a column that
// does not read as JSON is given as its text): `spamgate log --json`.
void to_json(nlohmann::json& out, const SubmissionRecord& record);

// The hits as stored, in hit order; a hit without a rule name, or a column
// that is not an array, is left out (a row may predate a format or be
// damaged).
std::vector<Hit> stored_hits(const SubmissionRecord& row);

// The content kept for review: JSON {author, email, url, subject, body,
// post_id, parent}; post_id and parent are the comment form's
// comment_post_ID and comment_parent as numbers, or null. Contact and form
// submissions add "fields": [[name, value], ...] (all but password fields),
// forms "form": {"container", "id", "name"} (the route's label, the
// plugin's form id, the page it was on).
std::string submission_content_json(const Submission& submission);

// The content kept for review, read back: "" / nullopt for a field that is
// absent or malformed (and for a row with no content).
struct SubmissionContent {
  std::string author, email, url, subject, body;
  std::optional<int64_t> post_id, parent;
  FormFields fields;                                   // contact and form submissions
  std::string form_name, form_id, form_container;      // form submissions
};
SubmissionContent read_submission_content(const std::optional<std::string>& json);

// The row as the Submission that was scored: its kept text (empty fields
// when none was kept), address, user agent, endpoint, and a contact or
// form submission's fields and the form's identity.
Submission stored_submission(const SubmissionRecord& row);

// True for the actions whose submissions are kept for review.
bool is_blocked_action(std::string_view action);

// Builds the row for a scored submission: rules and hits from the verdict,
// content only when it was blocked (hold, reject, discard).
SubmissionRecord make_submission_record(const std::string& id, const Submission& submission,
                                        const Verdict& verdict, TimePoint now);

}  // namespace spamgate

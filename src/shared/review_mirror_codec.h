// How one blocked submission travels in the site's review mirror on Redis
// (shared/review_mirror.h): a JSON object per row, written by the node that
// blocked it and read back by every node. Reading never trusts Redis: a
// malformed entry is an error to log, count and skip, never a crash.
#pragma once

#include <string>

#include "store/submission_record.h"
#include "util/result.h"

namespace spamgate {

// A mirrored row: the record as the node that stored it has it, and that node's name.
struct MirroredSubmission {
  SubmissionRecord record;  // no decision: the mirror keeps the site's beside the row
  std::string node;
};

// The row as the mirror stores it: {"id","created_at","endpoint","kind",
// "ip","action","score","rules","hits","content","user_agent","node",
// "email_sha256","form_name","form_id","decision","decided_at"}. `hits` and
// `content` are the stored JSON texts; email_sha256 (of the lower-cased
// address, "" when none) and the form's name and id are what the mirror's
// script indexes by; the decision ("" and 0 when none) is the node's own,
// which the mirror takes only for a row it holds no decision for.
std::string encode_mirrored_submission(const SubmissionRecord& record, const std::string& node);

// The key the mirror indexes a commenter's rows by: SHA-256 hex of the
// address with ASCII letters lower-cased (the store compares addresses
// case-insensitively too), so Redis never holds the address as a key.
std::string mirror_email_key(const std::string& email);

// The row back. Error: what is wrong with it (not JSON, a field missing or
// of the wrong type, an id that is not 16 hex digits, an action that is not
// a blocked one).
Result<MirroredSubmission> decode_mirrored_submission(const std::string& text);

}  // namespace spamgate

// Submission building: maps decoded form fields (or a check request's JSON)
// onto a Submission. It reads what PHP's $_POST would show WordPress and
// never invents a value: a field that is absent stays empty.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "form/submission.h"
#include "util/result.h"

namespace spamgate {

// What the web server says about the request (FastCGI params).
struct ClientInfo {
  std::string ip;          // REMOTE_ADDR
  std::string user_agent;  // HTTP_USER_AGENT
  std::string referer;     // HTTP_REFERER
  std::string endpoint;    // the path posted to
};

// Builds the Submission of `kind`; `fields` become raw_form unchanged.
// comment: author, email, url, comment→body. contact: name→author, email,
// subject, message→body. A mapped field is found the way PHP's $_POST finds
// it, so spamgate scores what WordPress will store: leading spaces of a name
// are ignored and the last occurrence of a repeated name wins.
Submission build_submission(SubmissionKind kind, FormFields fields, ClientInfo client);

// Parses a check request: a JSON object with optional string members
// "kind" ("comment" | "contact", default "comment"), "author", "email",
// "url", "subject", "body", "ip", "user_agent", "referer", "endpoint", and
// "fields" (an object of string values: the raw form). "fields" is mapped
// as build_submission does; explicit members then override. Input over
// max_body_bytes, an unknown member, a non-string value, or fields that
// decode_form's rules would refuse are an error with a one-line reason.
Result<Submission> submission_from_json(std::string_view json, const LimitsConfig& limits);

// Input of POST /spamgate/check and `spamgate check`: JSON as above when
// `content_type` is application/json, or when it is "" and the first
// non-blank byte is '{'; otherwise a form body decoded by decode_form
// ("" means urlencoded), whose optional fields "kind", "ip", "user_agent"
// and "referer" set those values and are removed from raw_form.
Result<Submission> submission_from_check_input(std::string_view content_type, std::string_view input,
                                               const LimitsConfig& limits);

}  // namespace spamgate

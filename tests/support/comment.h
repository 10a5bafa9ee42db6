// comment(): the Submission a visitor's comment form makes, for the unit
// tests of the scorer, the learner and the fuzzy memory, and for the scorer
// bench. Builds a value only; test-only.
#pragma once

#include <string>
#include <utility>

#include "form/submission.h"

namespace spamgate::testing {

// A comment of `body` by `author` <`email`> ("" = none given), posted from
// 192.0.2.7 by a desktop Firefox.
inline Submission comment(std::string body, std::string author = "Ann", std::string email = "ann@example.org") {
  Submission s;
  s.kind = SubmissionKind::comment;
  s.author = std::move(author);
  s.email = std::move(email);
  s.body = std::move(body);
  s.ip = "192.0.2.7";
  s.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";
  return s;
}

}  // namespace spamgate::testing

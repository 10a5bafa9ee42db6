// RATE_IP and DUPLICATE: the checks that remember earlier submissions, only
// through the SubmissionHistory they are given (none: they do not run). Both
// questions are asked once per submission (ask_history); the checks read the answers.
#include <charconv>

#include "scoring/checks/body_hash.h"
#include "scoring/checks/check_functions.h"

namespace spamgate {
namespace checks {
namespace {

// "3" for 3.0, "0.5" for 0.5: rates read as the owner wrote them.
std::string number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 6);
  std::string text(buffer, error == std::errc() ? end : buffer);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

// Fires when the client IP's bucket was empty. Not asked without a client
// IP (the CLI), so unrelated checks never share one.
Finding rate_ip(const Submission& submission, const CheckContext& context) {
  if (!context.history_answers || !context.history_answers->rate_limited) return std::nullopt;
  const ChecksConfig& config = context.config;
  return "more than " + number(config.rate_per_minute) + " per minute (burst " + number(config.rate_burst) +
         ") from " + submission.ip;
}

// Fires when the body's hash was seen within the window. A body that is
// empty after normalizing is never recorded and never fires.
Finding duplicate(const Submission&, const CheckContext& context) {
  if (!context.history_answers || !context.history_answers->duplicate) return std::nullopt;
  return "same text seen within the last " + std::to_string(context.config.duplicate_window_seconds) + " s";
}

}  // namespace checks

HistoryQuestions history_questions(const Submission& submission, const ChecksConfig& config, bool rate,
                                   bool duplicate) {
  HistoryQuestions questions;
  if (rate && !submission.ip.empty()) questions.rate = {submission.ip, config.rate_per_minute, config.rate_burst};
  if (duplicate) {
    const std::string normalized = normalize_body(submission.body);
    if (!normalized.empty())
      questions.duplicate = {normalized_body_hash(normalized), config.duplicate_window_seconds};
  }
  return questions;
}

}  // namespace spamgate

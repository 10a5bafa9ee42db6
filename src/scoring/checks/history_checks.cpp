// RATE_IP and DUPLICATE: the checks that remember earlier submissions, only
// through the SubmissionHistory they are given (none: they do not run).
#include <charconv>

#include "scoring/checks/body_hash.h"
#include "scoring/checks/check_functions.h"

namespace spamgate::checks {
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

// Takes a token from the client IP's bucket; fires when it was empty. Does
// not run without a client IP (the CLI), so unrelated checks never share one.
Finding rate_ip(const Submission& submission, const CheckContext& context) {
  if (!context.history || submission.ip.empty()) return std::nullopt;
  const ChecksConfig& config = context.config;
  if (context.history->take_rate_token(submission.ip, config.rate_per_minute, config.rate_burst, context.now))
    return std::nullopt;
  return "more than " + number(config.rate_per_minute) + " per minute (burst " + number(config.rate_burst) +
         ") from " + submission.ip;
}

// Records the body's hash and fires when it was seen within the window. A
// body that is empty after normalizing is never recorded and never fires.
Finding duplicate(const Submission& submission, const CheckContext& context) {
  if (!context.history) return std::nullopt;
  const std::string normalized = normalize_body(submission.body);
  if (normalized.empty()) return std::nullopt;
  const int window = context.config.duplicate_window_seconds;
  if (!context.history->seen_recently(normalized_body_hash(normalized), window, context.now)) return std::nullopt;
  return "same text seen within the last " + std::to_string(window) + " s";
}

}  // namespace spamgate::checks

// HONEYPOT, TOO_FAST and NO_TOKEN: what the form itself says about who
// filled it in (a bot fills every field, and posts without rendering).
#include "scoring/checks/check_functions.h"
#include "scoring/checks/form_token.h"

namespace spamgate::checks {
namespace {

// The token check for this submission, or nullopt when token checks are off
// (no token field configured, or no secret to verify with).
std::optional<TokenCheck> check_token(const Submission& submission, const CheckContext& context) {
  if (context.config.token_field.empty() || context.token_secret.empty()) return std::nullopt;
  const std::string* token = submission.field(context.config.token_field);
  return verify_form_token(token ? *token : std::string_view{}, context.token_secret, unix_seconds(context.now),
                           context.config.max_token_age_seconds);
}

}  // namespace

Finding honeypot(const Submission& submission, const CheckContext& context) {
  const std::string& name = context.config.honeypot_field;
  if (name.empty()) return std::nullopt;
  const std::string* value = submission.field(name);
  if (!value || value->empty()) return std::nullopt;
  return "honeypot field \"" + name + "\" filled in";
}

Finding too_fast(const Submission& submission, const CheckContext& context) {
  const auto token = check_token(submission, context);
  if (!token || token->status != TokenStatus::valid || token->age_seconds >= context.config.min_seconds)
    return std::nullopt;
  return "sent " + std::to_string(token->age_seconds) + " s after the form was shown (minimum " +
         std::to_string(context.config.min_seconds) + " s)";
}

Finding no_token(const Submission& submission, const CheckContext& context) {
  if (!context.config.require_token) return std::nullopt;
  const auto token = check_token(submission, context);
  if (!token) return std::nullopt;
  const std::string field = " (field \"" + context.config.token_field + "\")";
  switch (token->status) {
    case TokenStatus::valid: return std::nullopt;
    case TokenStatus::missing: return "token missing" + field;
    case TokenStatus::malformed: return "token malformed" + field;
    case TokenStatus::bad_signature: return "token signature does not match" + field;
    case TokenStatus::from_future:
      return "token from " + std::to_string(-token->age_seconds) + " s in the future" + field;
    case TokenStatus::expired:
      return "token expired: " + std::to_string(token->age_seconds) + " s old, maximum " +
             std::to_string(context.config.max_token_age_seconds) + " s" + field;
  }
  return std::nullopt;
}

}  // namespace spamgate::checks

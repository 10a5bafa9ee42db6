// Form tokens: proof that a form was rendered by the site, and when, so the
// TOO_FAST and NO_TOKEN checks can judge a submission. A token is signed,
// never encrypted, and verifying one never reveals the secret.
//
// Format (the WordPress plugin makes exactly the same):
//   "<t>.<h>"  t = the Unix time in seconds when the form was rendered, as
//                  decimal ASCII digits (no sign, 1-12 digits);
//              h = HMAC-SHA256 with the shared secret as key over the ASCII
//                  text of t, as 64 lowercase hex digits.
// PHP: $t = (string) time(); $token = $t . '.' . hash_hmac('sha256', $t, $secret);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spamgate {

// The token for a form rendered at `unix_time` (>= 0), signed with `secret`.
std::string make_form_token(std::string_view secret, int64_t unix_time);

enum class TokenStatus { valid, missing, malformed, bad_signature, from_future, expired };

struct TokenCheck {
  TokenStatus status = TokenStatus::missing;
  int64_t age_seconds = 0;  // now - t; set for valid, from_future and expired
};

// Tokens may be this far in the future (clock skew between PHP and spamgate).
constexpr int64_t kTokenFutureSkewSeconds = 60;

// Verifies `token` against `secret` at Unix time `now`: missing when empty;
// malformed when not "<t>.<h>" as above; bad_signature when h is not the
// HMAC (compared in constant time); from_future when t > now + 60 s; expired
// when now - t > max_age_seconds; valid otherwise.
TokenCheck verify_form_token(std::string_view token, std::string_view secret, int64_t now, int64_t max_age_seconds);

}  // namespace spamgate

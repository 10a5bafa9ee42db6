#include "scoring/checks/form_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/hex.h"

namespace spamgate {
namespace {

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return to_hex(digest, length);
}

bool all_of(std::string_view text, bool (*predicate)(char)) {
  for (const char c : text)
    if (!predicate(c)) return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string make_form_token(std::string_view secret, int64_t unix_time) {
  const std::string time_text = std::to_string(unix_time);
  return time_text + "." + hmac_sha256_hex(secret, time_text);
}

TokenCheck verify_form_token(std::string_view token, std::string_view secret, int64_t now, int64_t max_age_seconds) {
  if (token.empty()) return {TokenStatus::missing};
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12) return {TokenStatus::malformed};
  const std::string_view time_text = token.substr(0, dot);
  const std::string_view signature = token.substr(dot + 1);
  if (!all_of(time_text, is_digit) || !is_lower_hex(signature, 64))
    return {TokenStatus::malformed};
  const std::string expected = hmac_sha256_hex(secret, time_text);
  if (expected.size() != signature.size() || CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0)
    return {TokenStatus::bad_signature};
  const int64_t age = now - std::stoll(std::string(time_text));
  if (age < -kTokenFutureSkewSeconds) return {TokenStatus::from_future, age};
  if (age > max_age_seconds) return {TokenStatus::expired, age};
  return {TokenStatus::valid, age};
}

}  // namespace spamgate

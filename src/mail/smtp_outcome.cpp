#include "mail/smtp_outcome.h"

#include <curl/curl.h>

namespace spamgate {

bool is_tls_config_failure(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_USE_SSL_FAILED:  // server offers no STARTTLS
      return true;
    default:
      return false;
  }
}

SendOutcome classify_smtp_result(int curl_code, long response_code) {
  if (curl_code == CURLE_OK) return SendOutcome::sent;
  if (is_tls_config_failure(curl_code)) return SendOutcome::permanent_failure;
  if (response_code >= 500 && response_code <= 599) return SendOutcome::permanent_failure;
  if (response_code >= 400 && response_code <= 499) return SendOutcome::temporary_failure;
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_ABORTED_BY_CALLBACK:
      return SendOutcome::permanent_failure;
    default:
      return SendOutcome::temporary_failure;
  }
}

const char* to_string(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::sent:
      return "sent";
    case SendOutcome::temporary_failure:
      return "temporary_failure";
    case SendOutcome::permanent_failure:
      return "permanent_failure";
  }
  return "unknown";
}

}  // namespace spamgate

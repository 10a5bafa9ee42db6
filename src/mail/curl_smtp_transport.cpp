#include "mail/curl_smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>

#include "mail/curl_tls.h"
#include "mail/smtp_conversation.h"
#include "mail/smtp_outcome.h"

namespace spamgate {
namespace {

struct Upload {
  const std::string* data = nullptr;
  size_t offset = 0;
  const SmtpConversation* conversation = nullptr;
  bool refused_unauthenticated = false;
};

// Hands the message to curl in the DATA phase, and refuses to hand over a
// single byte unless the server accepted our AUTH (curl would otherwise go
// on without AUTH when a server does not offer it).
size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  if (!upload->conversation->authenticated()) {
    upload->refused_unauthenticated = true;
    return CURL_READFUNC_ABORT;
  }
  const size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// Records server replies and client command verbs; CURLINFO_HEADER_OUT
// carries AUTH credentials and goes through SmtpConversation's redaction,
// the message itself (DATA_OUT) and TLS data are ignored.
int debug_callback(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* conversation = static_cast<SmtpConversation*>(user);
  if (type == CURLINFO_HEADER_IN) conversation->server_lines(std::string_view(data, size));
  if (type == CURLINFO_HEADER_OUT) conversation->client_lines(std::string_view(data, size));
  return 0;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::string describe_failure(CURLcode code, const char* error_buffer, const SmtpConversation& conversation,
                             const Upload& upload) {
  if (upload.refused_unauthenticated)
    return "server did not authenticate us (no AUTH offered or accepted); nothing sent";
  const std::string curl_error = *error_buffer ? error_buffer : curl_easy_strerror(code);
  if (is_tls_config_failure(code))
    return "TLS failed: " + curl_error +
           " (a configuration problem: check mail.ca_file, the server's certificate and mail.smtp_url)";
  const std::string reply = conversation.last_reply();
  return reply.empty() ? curl_error : reply + " (" + curl_error + ")";
}

}  // namespace

Status validate_transport_config(const MailConfig& config) {
  if (!starts_with_ci(config.smtp_url, "smtp://") && !starts_with_ci(config.smtp_url, "smtps://"))
    return Error{"mail.smtp_url must start with smtp:// (STARTTLS) or smtps:// (TLS)"};
  if (config.username.empty()) return Error{"mail.username is empty: spamgate only sends with AUTH"};
  if (config.auth != "password" && config.auth != "xoauth2")
    return Error{"mail.auth must be \"password\" or \"xoauth2\""};
  if (config.from_address.empty()) return Error{"mail.from_address is empty"};
  return Status::success();
}

CurlSmtpTransport::CurlSmtpTransport(MailConfig config, std::string secret)
    : config_(std::move(config)), secret_(std::move(secret)) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

SendResult CurlSmtpTransport::send(const MailMessage& message) { return send(message, nullptr); }

SendResult CurlSmtpTransport::send(const MailMessage& message, std::vector<TranscriptLine>* transcript) {
  if (Status valid = validate_transport_config(config_); !valid) return {SendOutcome::permanent_failure, valid.error()};
  // Declared before the handle: curl_easy_cleanup may still call the
  // debug callback (QUIT), so the conversation must outlive the handle.
  SmtpConversation conversation(secret_);
  Upload upload{&message.data, 0, &conversation, false};
  std::unique_ptr<curl_slist, SlistDeleter> recipients;
  for (const std::string& rcpt : message.recipients)
    recipients.reset(curl_slist_append(recipients.release(), ("<" + rcpt + ">").c_str()));
  const std::string mail_from = "<" + message.envelope_from + ">";
  char error_buffer[CURL_ERROR_SIZE] = "";
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {SendOutcome::temporary_failure, "curl_easy_init failed"};
  CURL* handle = curl.get();

  curl_easy_setopt(handle, CURLOPT_URL, config_.smtp_url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  require_mail_tls(handle, config_.ca_file, config_.verify_peer);
  curl_easy_setopt(handle, CURLOPT_FORBID_REUSE, 1L);  // QUIT inside perform, while we still listen
  curl_easy_setopt(handle, CURLOPT_USERNAME, config_.username.c_str());
  if (config_.auth == "xoauth2") {
    curl_easy_setopt(handle, CURLOPT_XOAUTH2_BEARER, secret_.c_str());
    curl_easy_setopt(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
  } else {
    curl_easy_setopt(handle, CURLOPT_PASSWORD, secret_.c_str());
    curl_easy_setopt(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=PLAIN;AUTH=LOGIN");
  }
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.connect_timeout_seconds));
  curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT,
                   static_cast<long>(config_.connect_timeout_seconds + config_.timeout_seconds));
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.data.size()));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, debug_callback);
  curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &conversation);

  const CURLcode code = curl_easy_perform(handle);
  long response_code = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response_code);
  if (transcript) transcript->insert(transcript->end(), conversation.lines().begin(), conversation.lines().end());

  if (code == CURLE_OK) return {SendOutcome::sent, conversation.last_reply()};
  SendOutcome outcome = upload.refused_unauthenticated ? SendOutcome::permanent_failure
                                                       : classify_smtp_result(code, response_code);
  return {outcome, describe_failure(code, error_buffer, conversation, upload)};
}

}  // namespace spamgate

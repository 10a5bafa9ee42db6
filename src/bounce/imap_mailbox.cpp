#include "bounce/imap_mailbox.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "mail/curl_tls.h"

namespace spamgate {
namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

bool is_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ImapMailbox::ImapMailbox(ImapOptions options) : options_(std::move(options)) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

ImapMailbox::~ImapMailbox() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::string> ImapMailbox::command(const std::string& request, const std::string& url_suffix) {
  if (!curl_) curl_ = curl_easy_init();
  CURL* handle = static_cast<CURL*>(curl_);
  if (!handle) return Error{"curl_easy_init failed"};
  std::string response;
  char error_buffer[CURL_ERROR_SIZE] = "";
  const std::string url = options_.url + url_suffix;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  require_mail_tls(handle, options_.ca_file, options_.verify_peer);
  curl_easy_setopt(handle, CURLOPT_USERNAME, options_.username.c_str());
  curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.password.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout_seconds));
  curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds * 2));
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.empty() ? nullptr : request.c_str());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    std::string reason = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    std::replace_if(reason.begin(), reason.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return Error{"IMAP " + options_.url + ": " + reason};
  }
  return response;
}

Result<std::vector<uint64_t>> ImapMailbox::uids_after(uint64_t after, size_t limit) {
  Result<std::string> response = command("UID SEARCH UID " + std::to_string(after + 1) + ":*");
  if (!response) return Error{response.error()};
  // "* SEARCH 4 5 9\r\n"; "N:*" always names the highest UID, even below N.
  std::vector<uint64_t> uids;
  const size_t at = response->find("SEARCH");
  if (at == std::string::npos) return uids;
  std::string word;
  for (size_t i = at + 6; i <= response->size(); ++i) {
    const char c = i < response->size() ? (*response)[i] : ' ';
    if (c >= '0' && c <= '9') {
      word += c;
      continue;
    }
    if (is_digits(word) && word.size() < 20) {
      const uint64_t uid = std::strtoull(word.c_str(), nullptr, 10);
      if (uid > after) uids.push_back(uid);
    }
    word.clear();
    if (c == '\r' || c == '\n') break;
  }
  std::sort(uids.begin(), uids.end());
  if (uids.size() > limit) uids.resize(limit);
  return uids;
}

Result<std::string> ImapMailbox::fetch(uint64_t uid, size_t max_bytes) {
  // libcurl hands a custom command's literal data to nobody, so the body
  // comes from its own UID FETCH (BODY[], which sets \Seen); a message that
  // was unread is made unread again: reading it must not change the box.
  const std::string id = std::to_string(uid);
  Result<std::string> flags = command("UID FETCH " + id + " (FLAGS)");
  if (!flags) return Error{flags.error()};
  if (flags->find("FETCH") == std::string::npos) return Error{"no message " + id};
  const bool was_seen = flags->find("\\Seen") != std::string::npos;
  Result<std::string> body = command("", ";UID=" + id);
  if (!body) return Error{body.error()};
  if (!was_seen)
    if (Result<std::string> unseen = command("UID STORE " + id + " -FLAGS (\\Seen)"); !unseen) return Error{unseen.error()};
  if (body->size() > max_bytes) body->resize(max_bytes);
  return body;
}

Status ImapMailbox::mark_seen(uint64_t uid) {
  Result<std::string> response = command("UID STORE " + std::to_string(uid) + " +FLAGS (\\Seen)");
  return response ? Status::success() : Status(Error{response.error()});
}

Status ImapMailbox::move(uint64_t uid, const std::string& folder) {
  Result<std::string> response = command("UID MOVE " + std::to_string(uid) + " \"" + folder + "\"");
  return response ? Status::success() : Status(Error{response.error()});
}

}  // namespace spamgate

#include "harness/mail_inspect.h"

#include <curl/curl.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

namespace harness {
namespace {

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

std::string find_secret(const std::string& text, const std::string& secret, const std::string& user) {
  if (secret.empty()) return "";
  if (text.find(secret) != std::string::npos) return "the secret in clear";
  if (!user.empty() && text.find(base64_encode(std::string(1, '\0') + user + '\0' + secret)) != std::string::npos)
    return "the AUTH PLAIN blob";
  if (text.find(base64_encode(secret)) != std::string::npos) return "the secret in base64 (AUTH LOGIN)";
  return "";
}

std::string mail_toml(const SmtpServer& server, const std::string& ca_file, const MailTomlOptions& options) {
  const auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
    return out + "]";
  };
  const std::string password_file = options.password_file.empty() ? server.password_file() : options.password_file;
  std::string toml = "[mail]\nenabled = true\n";
  toml += "smtp_url = \"" + (options.smtp_url.empty() ? server.url() : options.smtp_url) + "\"\n";
  toml += "username = \"" + server.options().user + "\"\n";
  toml += "password = { file = \"" + password_file + "\" }\n";
  toml += "ca_file = \"" + ca_file + "\"\n";
  toml += "connect_timeout_seconds = 5\ntimeout_seconds = 10\n";
  toml += "backoff_initial_seconds = " + std::to_string(options.backoff_initial_seconds) +
          "\nbackoff_max_seconds = " + std::to_string(options.backoff_max_seconds) + "\n";
  toml += "from_address = \"" + server.options().user + "\"\nfrom_name = \"Blog notifications\"\n";
  toml += "owners = " + list(options.owners) + "\n";
  toml += "allowed_recipients = " + list(options.allowed_recipients) + "\n";
  toml += "site_domain = \"blog.test\"\n" + options.extra_mail + "\n";
  toml += "[mail.caps]\n";
  toml += options.caps.empty() ? "per_hour = 100000\nper_day = 1000000\nper_recipient_hour = 100000\n"
                                 "per_recipient_day = 1000000\n"
                               : options.caps;
  return toml + "\n";
}

std::vector<long> post_many(const std::string& url, const std::vector<std::string>& bodies, int threads,
                            const std::vector<std::string>& headers) {
  std::vector<long> statuses(bodies.size(), 0);
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      CURL* curl = curl_easy_init();
      curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded");
      list = curl_slist_append(list, "Expect:");
      for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
      curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
      for (size_t i = next++; i < bodies.size(); i = next++) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, bodies[i].data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(bodies[i].size()));
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &statuses[i]);
      }
      curl_slist_free_all(list);
      curl_easy_cleanup(curl);
    });
  }
  for (std::thread& worker : workers) worker.join();
  return statuses;
}

SpamgateOptions mail_spamgate_options(const std::string& extra_toml, const std::string& shared_secret, int threads,
                                      const std::string& local_rules) {
  SpamgateOptions options;
  options.upstream = "127.0.0.1:1";
  options.rules_text = local_rules;
  options.extra_toml = extra_toml;
  options.shared_secret = shared_secret;
  options.threads = threads;
  return options;
}

HttpResponse post_body(const std::string& url, const std::string& content_type, const std::string& body,
                       std::vector<std::string> headers) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  headers.push_back("Content-Type: " + content_type);
  request.headers = std::move(headers);
  request.body = body;
  return http(request);
}

std::string sqlite_query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

bool outbox_settled(const std::string& db_path) {
  return sqlite_query(db_path, "SELECT count(*) > 0 AND sum(status IN ('queued', 'sending')) = 0 FROM outbox") == "1";
}

}  // namespace harness

#include "harness/mail_inspect.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <strings.h>

#include <atomic>
#include <thread>

namespace harness {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string decode_base64(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const size_t v = alphabet.find(c);
    if (v == std::string::npos) continue;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// Decodes one "=?charset?enc?text?=" word; false when `word` is not one.
bool decode_word(const std::string& word, std::string& out) {
  if (word.size() < 8 || word.rfind("=?", 0) != 0 || word.substr(word.size() - 2) != "?=") return false;
  const size_t q1 = word.find('?', 2);
  if (q1 == std::string::npos || q1 + 2 >= word.size() || word[q1 + 2] != '?') return false;
  const char encoding = static_cast<char>(toupper(static_cast<unsigned char>(word[q1 + 1])));
  const std::string text = word.substr(q1 + 3, word.size() - q1 - 5);
  if (encoding == 'B') {
    out += decode_base64(text);
    return true;
  }
  if (encoding != 'Q') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') out += ' ';
    else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else out += text[i];
  }
  return true;
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

std::vector<HeaderField> header_fields(const std::string& data) {
  std::vector<HeaderField> fields;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string::npos) end = data.size();
    const std::string line = data.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back().value += line;
      continue;
    }
    const size_t colon = line.find(':');
    const bool is_field = colon != std::string::npos && colon > 0 &&
                          line.find_first_of(" \t") > colon;  // field names hold no white space
    if (!is_field) {
      fields.push_back({"", line});
      continue;
    }
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    fields.push_back({line.substr(0, colon), value});
  }
  return fields;
}

std::string message_body(const std::string& data) {
  const size_t at = data.find("\r\n\r\n");
  return at == std::string::npos ? "" : data.substr(at + 4);
}

std::vector<std::string> header_values(const std::vector<HeaderField>& fields, const std::string& name) {
  std::vector<std::string> values;
  for (const HeaderField& field : fields)
    if (field.name.size() == name.size() && strcasecmp(field.name.c_str(), name.c_str()) == 0)
      values.push_back(field.value);
  return values;
}

std::string header_value(const std::vector<HeaderField>& fields, const std::string& name) {
  std::vector<std::string> values = header_values(fields, name);
  return values.empty() ? "" : values.front();
}

std::string decode_words(const std::string& value) {
  std::string out;
  std::string pending_space;  // white space after an encoded-word, dropped if another follows
  bool after_word = false;
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t space_end = value.find_first_not_of(" \t", pos);
    const std::string space = value.substr(pos, (space_end == std::string::npos ? value.size() : space_end) - pos);
    if (space_end == std::string::npos) {
      out += space;
      break;
    }
    size_t token_end = value.find_first_of(" \t", space_end);
    if (token_end == std::string::npos) token_end = value.size();
    const std::string token = value.substr(space_end, token_end - space_end);
    std::string decoded;
    if (decode_word(token, decoded)) {
      if (!after_word) out += space;
      out += decoded;
      after_word = true;
    } else {
      out += space + token;
      after_word = false;
    }
    pos = token_end;
  }
  return out;
}

std::string decode_quoted_printable(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (text.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string find_secret(const std::string& text, const std::string& secret, const std::string& user) {
  if (secret.empty()) return "";
  if (text.find(secret) != std::string::npos) return "the secret in clear";
  if (!user.empty() && text.find(base64(std::string(1, '\0') + user + '\0' + secret)) != std::string::npos)
    return "the AUTH PLAIN blob";
  if (text.find(base64(secret)) != std::string::npos) return "the secret in base64 (AUTH LOGIN)";
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

}  // namespace harness

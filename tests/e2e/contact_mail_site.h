// Shared by the contact_mail* e2e tests (not a harness module: it uses
// doctest): nginx → `spamgate serve` with mail on → the SMTP test server,
// and the checks every message spamgate sends must pass. Sends nothing
// beyond 127.0.0.1.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"
#include "support/text_cat.h"

namespace contact_mail {

using namespace harness;

inline const std::string kSharedSecret = "plugin-secret-3f9a1c0e7b";
inline const std::vector<std::string> kOwners = {"owner@blog.test", "second-owner@blog.test"};

using spamgate::testing::kRelaxedChecks;

// nginx in front of spamgate: the contact form (= /contact) and spamgate's
// API (/spamgate/). With `keepalive` > 0 nginx keeps up to that many
// connections to spamgate open and reuses them for the contact form (the
// storm's throughput); otherwise it opens one per request.
inline NginxOptions site(const SpamgateServer& server, int keepalive = 0) {
  NginxOptions options;
  if (keepalive <= 0) {
    options.server_body =
        fastcgi_location("= /contact", server.address()) + fastcgi_location("/spamgate/", server.address());
    return options;
  }
  options.http_extra =
      spamgate::testing::cat("upstream spamgate { server ", server.address(), "; keepalive ", keepalive, "; }\n");
  options.server_body = fastcgi_location("= /contact", "spamgate", "  fastcgi_keep_conn on;\n") +
                        fastcgi_location("/spamgate/", "spamgate");
  return options;
}

struct MailStack {
  TempDir dir{"spamgate-contact"};
  TestCa ca = make_test_ca(dir.path(), "contact");
  SmtpServer smtp{dir.path(), ca};
  std::unique_ptr<SpamgateServer> spamgate;
  std::unique_ptr<Nginx> nginx;

  explicit MailStack(const MailTomlOptions& mail = {}, const std::string& local_rules = "") {
    chmod(smtp.password_file().c_str(), 0600);
    spamgate = std::make_unique<SpamgateServer>(
        mail_spamgate_options(std::string(kRelaxedChecks) + mail_toml(smtp, ca.ca_cert, mail), kSharedSecret, 4, local_rules));
    REQUIRE_MESSAGE(spamgate->wait_until_listening(), spamgate->log());
    nginx = std::make_unique<Nginx>(site(*spamgate));
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }
  // Requirement 7: whatever happened, spamgate's log holds no secret.
  ~MailStack() {
    if (!spamgate) return;
    spamgate->stop();
    const std::string log = spamgate->log();
    CHECK_MESSAGE(find_secret(log, smtp.options().password, smtp.options().user).empty(),
                  "spamgate's log holds " << find_secret(log, smtp.options().password, smtp.options().user));
    CHECK_MESSAGE(find_secret(log, kSharedSecret).empty(), "spamgate's log holds the shared secret");
  }

  std::string url(const std::string& path) const { return nginx->url(path); }

  HttpResponse post_raw(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
    return post_body(url(path), "application/x-www-form-urlencoded", body, std::move(headers));
  }
};

// True when the decoded body of `m` holds `token` as a whole word.
inline bool holds_token(const RecordedMessage& m, const std::string& token) {
  const std::string body = decode_quoted_printable(message_body(m.data));
  for (size_t at = body.find(token); at != std::string::npos; at = body.find(token, at + 1)) {
    const size_t end = at + token.size();
    if (end == body.size() || !isalnum(static_cast<unsigned char>(body[end]))) return true;
  }
  return false;
}

// The recorded message that holds `token`; nullptr when none.
inline const RecordedMessage* find_by_token(const std::vector<RecordedMessage>& messages, const std::string& token) {
  for (const RecordedMessage& m : messages)
    if (holds_token(m, token)) return &m;
  return nullptr;
}

inline int count_by_token(const std::vector<RecordedMessage>& messages, const std::string& token) {
  int n = 0;
  for (const RecordedMessage& m : messages) n += holds_token(m, token) ? 1 : 0;
  return n;
}

// The addresses of an address-list header value ("a, b" folded or not).
inline std::vector<std::string> addresses(const std::string& value) {
  std::vector<std::string> out;
  std::string current;
  for (char c : value + ",") {
    if (c == ',') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else if (c != ' ' && c != '\t') {
      current += c;
    }
  }
  return out;
}

inline const std::set<std::string> kAlwaysHeaders = {"From",   "To",           "Subject",      "Date",
                                              "Message-ID", "Auto-Submitted", "MIME-Version", "Content-Type",
                                              "Content-Transfer-Encoding"};

// What every message spamgate sends must look like: the configured From,
// the envelope and To equal to `recipients`, exactly the usual headers once
// each (Reply-To at most once), every line within 78 octets, authenticated
// over TLS. Returns the header fields for further checks.
inline std::vector<HeaderField> check_envelope_and_headers(const RecordedMessage& m, const std::vector<std::string>& recipients) {
  CHECK(m.mail_from == "notify@blog.test");
  CHECK(m.recipients == recipients);
  CHECK(m.auth_login == "notify@blog.test");
  CHECK(m.tls);
  const std::vector<HeaderField> fields = header_fields(m.data);
  std::map<std::string, int> names;
  for (const HeaderField& field : fields) ++names[field.name];
  for (const auto& entry : names) {  // no structured binding: clang 14 cannot capture one in INFO
    const std::string& name = entry.first;
    const int count = entry.second;
    INFO("header " << (name.empty() ? "(a line that is no field)" : name) << " appears " << count << " times");
    CHECK((kAlwaysHeaders.count(name) == 1 || name == "Reply-To"));
    CHECK(count == 1);
  }
  for (const std::string& name : kAlwaysHeaders) CHECK_MESSAGE(names.count(name) == 1, name << " missing");
  CHECK(header_value(fields, "From") == "\"Blog notifications\" <notify@blog.test>");
  CHECK(addresses(header_value(fields, "To")) == recipients);
  CHECK(header_value(fields, "Auto-Submitted") == "auto-generated");
  CHECK(std::regex_match(header_value(fields, "Message-ID"), std::regex("<[0-9]+\\.[0-9a-f]{16}@blog\\.test>")));
  const std::string head = m.data.substr(0, m.data.find("\r\n\r\n") + 2);
  size_t pos = 0;
  while (pos < head.size()) {
    const size_t end = head.find("\r\n", pos);
    CHECK_MESSAGE(end - pos <= 78, "header line longer than 78: " << head.substr(pos, end - pos));
    for (size_t i = pos; i < end; ++i) CHECK(static_cast<unsigned char>(head[i]) < 0x80);
    pos = end + 2;
  }
  return fields;
}

inline std::string contact_body(const std::string& name, const std::string& email, const std::string& subject,
                         const std::string& message) {
  return form_body({{"name", name}, {"email", email}, {"subject", subject}, {"message", message}});
}

}  // namespace contact_mail

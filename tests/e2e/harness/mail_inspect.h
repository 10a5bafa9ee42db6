// Test harness for the mail e2e tests: the readers of what the SMTP test
// server recorded (from support/mail_read and support/mail_decode), the
// [mail] config that points `spamgate serve` at that server, posting many
// forms concurrently over kept-alive connections, and looking for secrets
// in text. Never used by spamgate itself; never sends beyond 127.0.0.1.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/http_client.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "support/mail_decode.h"
#include "support/mail_read.h"

namespace harness {

// Reading the recorded messages back (support/mail_read, support/mail_decode).
using spamgate::testing::base64_encode;
using spamgate::testing::decode_quoted_printable;
using spamgate::testing::decode_words;
using spamgate::testing::header_fields;
using spamgate::testing::header_value;
using spamgate::testing::header_values;
using spamgate::testing::HeaderField;
using spamgate::testing::message_body;
using spamgate::testing::subject_of;

// The forms a secret can take on the wire or in a log: itself, its base64,
// and the AUTH PLAIN blob "\0user\0secret" in base64. Returns the first form
// found in `text` ("" when none), described without the secret itself.
std::string find_secret(const std::string& text, const std::string& secret, const std::string& user = "");

struct MailTomlOptions {
  std::vector<std::string> owners = {"owner@blog.test", "second-owner@blog.test"};
  std::vector<std::string> allowed_recipients = {"editor@blog.test"};
  std::string password_file;  // "" = the server's password file
  std::string smtp_url;       // "" = the server's url
  std::string caps;           // lines of [mail.caps]; "" = caps far above what the test sends
  std::string extra_mail;     // more lines for [mail]
  int backoff_initial_seconds = 1;  // retries happen within a test
  int backoff_max_seconds = 2;
};

// `[mail]` and `[mail.caps]` sections (TOML) that send through `server`
// with `ca_file`, From = the server's user, site_domain = "blog.test".
std::string mail_toml(const SmtpServer& server, const std::string& ca_file, const MailTomlOptions& options = {});

// POSTs every body (application/x-www-form-urlencoded) to `url` from
// `threads` threads, each keeping its one connection alive. Returns the
// HTTP status of each body, in the order given (0 when the request failed).
std::vector<long> post_many(const std::string& url, const std::vector<std::string>& bodies, int threads,
                            const std::vector<std::string>& headers = {});

// Options for a `spamgate serve` that only takes contact forms and API
// calls (its upstream is a port nothing listens on), with the shipped rules,
// `local_rules` when not empty, `extra_toml` appended and `shared_secret`.
SpamgateOptions mail_spamgate_options(const std::string& extra_toml, const std::string& shared_secret, int threads,
                                      const std::string& local_rules = "");

// POSTs `body` as `content_type` to `url`, with `headers` added.
HttpResponse post_body(const std::string& url, const std::string& content_type, const std::string& body,
                       std::vector<std::string> headers = {});

// The first column of the first row of `sql` on the SQLite file `db_path`
// (opened read-only), as text; "" when there is no row or on error.
std::string sqlite_query(const std::string& db_path, const std::string& sql);
// True when the outbox in the store at `db_path` has rows and none is queued
// or being sent: each was sent, held by a cap, folded or failed, so nothing
// more is on its way until something new is queued.
bool outbox_settled(const std::string& db_path);

}  // namespace harness

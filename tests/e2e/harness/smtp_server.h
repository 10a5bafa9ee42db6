// Test harness: a real SMTP server (tests/e2e/smtp/smtp_server.py on
// aiosmtpd) on 127.0.0.1 with STARTTLS and AUTH required, a certificate from
// a CA the test creates, and every accepted message recorded for assertions.
// Never used by spamgate itself; never listens beyond loopback.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/config.h"
#include "harness/process.h"

namespace harness {

// A throwaway CA and a server certificate it signed, for 127.0.0.1 and
// localhost, valid two days. Files live in `dir`.
struct TestCa {
  std::string ca_cert;      // PEM: give this to the client as mail.ca_file
  std::string server_cert;  // PEM: the server's certificate
  std::string server_key;   // PEM: its private key
};

// Creates the CA and the server certificate under `dir` with the openssl
// command line (file names start with `name`). Throws on failure.
TestCa make_test_ca(const std::string& dir, const std::string& name = "test");

struct SmtpServerOptions {
  std::string user = "notify@blog.test";
  std::string password = "correct horse battery staple";
  std::string xoauth2_token;      // non-empty: also offer AUTH XOAUTH2 with this bearer token
  bool implicit_tls = false;      // smtps: TLS from the first byte instead of STARTTLS
  bool offer_auth = true;         // false: advertise no AUTH mechanism and accept mail without it
  int fail_first = 0;             // answer 451 to the first N messages
  std::string reject_recipients;  // regex: answer 550 to matching RCPT TO addresses
};

// One message the server accepted (250 after DATA).
struct RecordedMessage {
  std::string mail_from;
  std::vector<std::string> recipients;
  std::string data;        // the raw bytes received after DATA
  std::string auth_login;  // who authenticated ("" when nobody)
  bool tls = false;        // whether the session was encrypted
};

class SmtpServer {
 public:
  // Starts the server on a free port with `tls`'s server certificate and
  // waits until it listens. Its files (spool, log, password file) live
  // under `dir`. Throws when it does not come up.
  SmtpServer(const std::string& dir, const TestCa& tls, SmtpServerOptions options = {});
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  // "smtp://127.0.0.1:<port>" (or smtps:// with implicit_tls).
  std::string url() const;
  const SmtpServerOptions& options() const { return options_; }
  // A file whose first line is the password (for mail.password.file).
  const std::string& password_file() const { return password_file_; }
  // A MailConfig that sends through this server: url, user, password file,
  // `ca_file`, from = the user, owners = {owner}, short timeouts.
  spamgate::MailConfig mail_config(const std::string& ca_file, const std::string& owner = "owner@blog.test") const;

  // Messages accepted so far, in order.
  std::vector<RecordedMessage> messages() const;
  // True once at least `count` messages were accepted.
  bool wait_for_messages(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // The server's event lines so far: "clear EHLO", "tls AUTH", "auth-ok USER", "auth-fail USER".
  std::vector<std::string> events() const;
  // From now on DATA is answered with `reply` (e.g. "451 4.3.0 busy" or
  // "550 5.7.1 no"); "" restores normal acceptance.
  void set_data_reply(const std::string& reply);
  // The server's own output (for failure messages).
  std::string log() const { return process_.log(); }
  void stop() { process_.stop(); }

 private:
  SmtpServerOptions options_;
  std::string spool_;
  std::string control_file_;
  std::string password_file_;
  int port_ = 0;
  Process process_;
};

}  // namespace harness

// Test harness: Debian's Dovecot IMAP server on 127.0.0.1 with a config of
// its own (implicit TLS with the test CA's certificate, one user with a
// password, a Maildir in a private directory), for bounce watch. Stopped at
// the end of the test.
#pragma once

#include <memory>
#include <string>

#include "harness/process.h"
#include "harness/smtp_server.h"

namespace harness {

class Dovecot {
 public:
  // Starts dovecot on a free port with `ca`'s server certificate. Throws
  // when the program is missing or it does not come up.
  Dovecot(const TestCa& ca, std::string user, std::string password);
  ~Dovecot();
  Dovecot(const Dovecot&) = delete;
  Dovecot& operator=(const Dovecot&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& mailbox = "INBOX") const {
    return "imaps://127.0.0.1:" + std::to_string(port_) + "/" + mailbox;
  }
  const std::string& user() const { return user_; }
  std::string password_file() const { return dir_->path() + "/imap-password"; }
  // Delivers `message` into `mailbox` with IMAP APPEND (curl). True on success.
  bool append(const std::string& message, const std::string& mailbox = "INBOX", std::string* output = nullptr) const;
  // Runs one IMAP command on `mailbox` (curl -X); returns the untagged answer.
  std::string command(const std::string& request, const std::string& mailbox = "INBOX") const;
  // The messages in `mailbox` with their flags ("* 1 FETCH (UID 1 FLAGS (\Seen))" lines).
  std::string flags(const std::string& mailbox = "INBOX") const { return command("UID FETCH 1:* (FLAGS)", mailbox); }
  std::string log() const;

 private:
  std::unique_ptr<TempDir> dir_;
  std::string user_, password_, ca_cert_;
  int port_ = 0;
  Process process_;
};

}  // namespace harness

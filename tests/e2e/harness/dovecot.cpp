#include "harness/dovecot.h"

#include <unistd.h>

#include <stdexcept>

namespace harness {

Dovecot::Dovecot(const TestCa& ca, std::string user, std::string password)
    : dir_(std::make_unique<TempDir>("spamgate-dovecot")),
      user_(std::move(user)),
      password_(std::move(password)),
      ca_cert_(ca.ca_cert) {
  const std::string program = find_program("dovecot");
  if (program.empty()) throw std::runtime_error("dovecot not found (apt-get install dovecot-imapd)");
  port_ = free_port();
  const std::string dir = dir_->path();
  // Mail belongs to `nobody`: dovecot never lets root own a mailbox.
  if (run("mkdir -p '" + dir + "/run' '" + dir + "/state' '" + dir + "/home' && chown -R 65534:65534 '" + dir +
          "/home' && chmod 755 '" + dir + "'") != 0)
    throw std::runtime_error("dovecot: cannot prepare " + dir);
  write_file(dir + "/passwd", user_ + ":{PLAIN}" + password_ + "\n");
  write_file(password_file(), password_ + "\n");
  run("chmod 600 '" + password_file() + "'");
  std::string conf;
  conf += "base_dir = " + dir + "/run\n";
  conf += "state_dir = " + dir + "/state\n";
  conf += "log_path = " + dir + "/dovecot.log\n";
  conf += "protocols = imap\n";
  conf += "listen = 127.0.0.1\n";
  conf += "ssl = required\n";
  conf += "ssl_cert = <" + ca.server_cert + "\n";
  conf += "ssl_key = <" + ca.server_key + "\n";
  conf += "auth_mechanisms = plain login\n";
  conf += "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + dir + "/passwd\n}\n";
  conf += "userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=" + dir + "/home/%u\n}\n";
  conf += "first_valid_uid = 1\nfirst_valid_gid = 1\n";
  conf += "mail_location = maildir:~/Maildir\n";
  conf += "namespace inbox {\n  inbox = yes\n  mailbox Handled {\n    auto = create\n  }\n}\n";
  conf += "service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n"
          "    port = " + std::to_string(port_) + "\n    ssl = yes\n  }\n}\n";
  conf += "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n";
  write_file(dir + "/dovecot.conf", conf);
  process_ = Process({program, "-F", "-c", dir + "/dovecot.conf"}, dir + "/stdout.log");
  if (!wait_for_port(port_)) throw std::runtime_error("dovecot did not start:\n" + log());
}

Dovecot::~Dovecot() { process_.stop(); }

bool Dovecot::append(const std::string& message, const std::string& mailbox, std::string* output) const {
  static int counter = 0;
  const std::string file = dir_->path() + "/append-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".eml";
  write_file(file, message);
  return run("curl -sS --ssl-reqd --cacert '" + ca_cert_ + "' -u '" + user_ + ":" + password_ + "' -T '" + file +
                 "' '" + url(mailbox) + "' 2>&1",
             output) == 0;
}

std::string Dovecot::command(const std::string& request, const std::string& mailbox) const {
  std::string output;
  run("curl -sS --ssl-reqd --cacert '" + ca_cert_ + "' -u '" + user_ + ":" + password_ + "' '" + url(mailbox) +
          "' -X '" + request + "' 2>&1",
      &output);
  return output;
}

std::string Dovecot::log() const { return read_file_or_empty(dir_->path() + "/dovecot.log") + read_file_or_empty(dir_->path() + "/stdout.log"); }

}  // namespace harness

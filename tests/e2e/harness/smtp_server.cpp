#include "harness/smtp_server.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace harness {
namespace {

std::string quote(const std::string& text) { return "'" + text + "'"; }

void run_or_throw(const std::string& command) {
  std::string output;
  if (run(command, &output) != 0) throw std::runtime_error("command failed: " + command + "\n" + output);
}

}  // namespace

TestCa make_test_ca(const std::string& dir, const std::string& name) {
  const std::string base = dir + "/" + name;
  TestCa ca{base + "-ca.pem", base + "-server.pem", base + "-server.key"};
  const std::string ca_key = base + "-ca.key";
  const std::string csr = base + "-server.csr";
  const std::string ext = base + "-server.ext";
  write_file(ext,
             "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
             "basicConstraints=critical,CA:FALSE\n"
             "keyUsage=critical,digitalSignature,keyEncipherment\n"
             "extendedKeyUsage=serverAuth\n");
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run_or_throw("openssl req -x509" + ec + " -keyout " + quote(ca_key) + " -out " + quote(ca.ca_cert) +
               " -days 2 -subj " + quote("/CN=spamgate test CA " + name) +
               " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'");
  run_or_throw("openssl req" + ec + " -keyout " + quote(ca.server_key) + " -out " + quote(csr) +
               " -subj '/CN=127.0.0.1'");
  run_or_throw("openssl x509 -req -in " + quote(csr) + " -CA " + quote(ca.ca_cert) + " -CAkey " + quote(ca_key) +
               " -CAcreateserial -days 2 -extfile " + quote(ext) + " -out " + quote(ca.server_cert));
  return ca;
}

SmtpServer::SmtpServer(const std::string& dir, const TestCa& tls, SmtpServerOptions options)
    : options_(std::move(options)),
      spool_(dir + "/smtp-spool"),
      control_file_(dir + "/smtp-control"),
      password_file_(dir + "/smtp-password") {
  std::filesystem::create_directories(spool_);
  write_file(password_file_, options_.password + "\n");
  port_ = free_port();
  std::vector<std::string> argv = {"/usr/bin/python3", SPAMGATE_SOURCE_DIR "/tests/e2e/smtp/smtp_server.py",
                                   "--port", std::to_string(port_),
                                   "--cert", tls.server_cert,
                                   "--key", tls.server_key,
                                   "--spool", spool_,
                                   "--user", options_.user,
                                   "--password-file", password_file_,
                                   "--control", control_file_};
  if (!options_.xoauth2_token.empty()) argv.insert(argv.end(), {"--xoauth2-token", options_.xoauth2_token});
  if (options_.implicit_tls) argv.push_back("--implicit-tls");
  if (!options_.offer_auth) argv.push_back("--no-auth");
  if (options_.fail_first > 0) argv.insert(argv.end(), {"--fail-first", std::to_string(options_.fail_first)});
  if (!options_.reject_recipients.empty()) argv.insert(argv.end(), {"--reject-rcpt", options_.reject_recipients});
  process_ = Process(argv, dir + "/smtp-server.log");
  if (!wait_for_port(port_)) throw std::runtime_error("SMTP test server did not start:\n" + process_.log());
}

std::string SmtpServer::url() const {
  return std::string(options_.implicit_tls ? "smtps" : "smtp") + "://127.0.0.1:" + std::to_string(port_);
}

spamgate::MailConfig SmtpServer::mail_config(const std::string& ca_file, const std::string& owner) const {
  spamgate::MailConfig mail;
  mail.enabled = true;
  mail.smtp_url = url();
  mail.username = options_.user;
  mail.auth = options_.xoauth2_token.empty() ? "password" : "xoauth2";
  mail.password.file = password_file_;
  mail.ca_file = ca_file;
  mail.connect_timeout_seconds = 5;
  mail.timeout_seconds = 10;
  mail.from_address = options_.user;
  mail.from_name = "Blog notifications";
  mail.owners = {owner};
  mail.site_domain = "blog.test";
  return mail;
}

std::vector<RecordedMessage> SmtpServer::messages() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(spool_))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  std::vector<RecordedMessage> out;
  for (const std::string& name : names) {
    const auto meta = nlohmann::json::parse(read_file_or_empty(spool_ + "/" + name + ".json"));
    RecordedMessage message;
    message.mail_from = meta.at("mail_from").get<std::string>();
    message.recipients = meta.at("rcpt_tos").get<std::vector<std::string>>();
    message.data = read_file_or_empty(spool_ + "/" + name + ".eml");
    if (meta.at("auth_login").is_string()) message.auth_login = meta.at("auth_login").get<std::string>();
    message.tls = meta.at("tls").get<bool>();
    out.push_back(std::move(message));
  }
  return out;
}

bool SmtpServer::wait_for_messages(size_t count, std::chrono::milliseconds timeout) const {
  return eventually([&] { return messages().size() >= count; }, timeout);
}

std::vector<std::string> SmtpServer::events() const {
  std::vector<std::string> lines;
  std::istringstream in(read_file_or_empty(spool_ + "/events.log"));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void SmtpServer::set_data_reply(const std::string& reply) { write_file(control_file_, reply + "\n"); }

}  // namespace harness

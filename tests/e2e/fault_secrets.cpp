// Secrets never leak: with mail on and an SMTP password the server refuses,
// and clients sending wrong and right shared secrets, nothing spamgate
// writes (its log, its CLI output) holds the SMTP password or the shared
// secret. And spamgate warns at start when the config or a secret file can
// be read by other users, and creates its store readable by its user only.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <thread>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

const char* kSecret = "shared-secret-7d1f0b2a9e";
const char* kWrongPassword = "wrong-smtp-password-4c8e1d";

HttpResponse notify(const Nginx& nginx, const std::string& bearer) {
  HttpRequest request;
  request.method = "POST";
  request.url = nginx.url("/spamgate/notify");
  request.headers = {"Authorization: Bearer " + bearer};
  request.body = "subject=Hello&text=Body";
  return http(request);
}

}  // namespace

TEST_CASE("a failing SMTP AUTH and bad shared secrets leave no secret in any output") {
  TempDir dir("spamgate-secrets");
  TestCa ca = make_test_ca(dir.path(), "secrets");
  SmtpServer smtp(dir.path(), ca);
  const std::string wrong_password_file = dir / "wrong-password";
  write_file(wrong_password_file, std::string(kWrongPassword) + "\n");
  chmod(wrong_password_file.c_str(), 0600);
  PhpFpm fpm;
  MailTomlOptions mail;
  mail.password_file = wrong_password_file;
  SpamgateServer spamgate(SpamgateOptions{fpm.address(), "", true, mail_toml(smtp, ca.ca_cert, mail), kSecret, 2});
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  Nginx nginx(NginxOptions{fastcgi_location("/", spamgate.address())});  // every request to spamgate
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  CHECK(notify(nginx, "not-the-secret").status == 401);
  CHECK(notify(nginx, std::string(kSecret) + "x").status == 401);
  CHECK(notify(nginx, kSecret).status == 202);
  CHECK(eventually([&] {
    for (const std::string& event : smtp.events())
      if (event.find("auth-fail") != std::string::npos) return true;
    return false;
  }, 15s));
  std::string cli_output;
  spamgate.cli("outbox list", &cli_output);
  std::string flush_output;
  spamgate.cli("outbox flush", &flush_output);
  std::this_thread::sleep_for(1500ms);  // a retry or two against the refusing server
  spamgate.stop();

  const std::string log = spamgate.log();
  INFO(log);
  CHECK(log.find("event=mail_failed") != std::string::npos);  // the failure itself is reported...
  CHECK(log.find("535 5.7.8") != std::string::npos);
  const std::vector<std::pair<std::string, std::string>> outputs = {
      {"spamgate log", log}, {"outbox list", cli_output}, {"outbox flush", flush_output}};
  for (const auto& output : outputs) {  // ...without the secrets
    CAPTURE(output.first);
    CHECK(output.second.find(kWrongPassword) == std::string::npos);
    CHECK(output.second.find(smtp.options().password) == std::string::npos);
    CHECK(output.second.find(kSecret) == std::string::npos);
  }
}

TEST_CASE("spamgate warns when the config or a secret file is readable by other users") {
  PhpFpm fpm;
  SpamgateServer spamgate(SpamgateOptions{fpm.address(), "", true, "", kSecret, 2});
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  CHECK(spamgate.log().find("readable by other users") == std::string::npos);

  const std::string secret_file = spamgate.dir() + "/shared-secret";
  chmod(spamgate.config_path().c_str(), 0644);
  chmod(secret_file.c_str(), 0640);
  REQUIRE_MESSAGE(spamgate.restart(), spamgate.log());
  CHECK(eventually([&] { return spamgate.log().find("path=" + secret_file) != std::string::npos; }));
  const std::string log = spamgate.log();
  INFO(log);
  CHECK(log.find("the config file is readable by other users; chmod 600 it") != std::string::npos);
  CHECK(log.find("path=" + spamgate.config_path()) != std::string::npos);
  CHECK(log.find("shared_secret is readable by other users; chmod 600 it\" path=" + secret_file) != std::string::npos);
  CHECK(log.find(kSecret) == std::string::npos);
}

// The store holds commenters' data and every mail's text: 0600 whatever the
// umask, and a store made readable by others is warned about at start.
TEST_CASE("the store, its -wal and -shm are created 0600 under umask 022; a readable one is warned about") {
  const mode_t previous = umask(022);
  PhpFpm fpm;
  SpamgateServer spamgate(SpamgateOptions{fpm.address(), "", true, "", kSecret, 2});
  umask(previous);
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  for (const char* part : {"", "-wal", "-shm"}) {
    const std::string path = spamgate.database_path() + part;
    INFO(path);
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
  CHECK(spamgate.log().find("the store is readable by other users") == std::string::npos);

  spamgate.stop();
  chmod(spamgate.database_path().c_str(), 0644);
  REQUIRE_MESSAGE(spamgate.restart(), spamgate.log());
  CHECK(eventually([&] { return spamgate.log().find("spamgate serving") != std::string::npos; }));
  INFO(spamgate.log());
  CHECK(spamgate.log().find("the store is readable by other users; chmod 600 it\" path=" + spamgate.database_path()) !=
        std::string::npos);
}

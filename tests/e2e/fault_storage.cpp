// Storage faults with a real spamgate and a real SMTP server: the SQLite
// file lives on a small tmpfs the test mounts (we run as root), which the
// test fills to the last byte and then frees again. Where storage is needed
// spamgate answers with a clear 503 and logs why; it does not crash, it
// serves again once space returns, and mail already queued is delivered.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"

using namespace harness;
using namespace std::chrono_literals;

namespace {

const char* kSecret = "storage-test-shared-secret-5f2a";

// A tmpfs of `size` mounted on a fresh directory, unmounted at the end.
class Tmpfs {
 public:
  explicit Tmpfs(const std::string& size) {
    const int status = mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str());
    REQUIRE_MESSAGE(status == 0, "mounting a tmpfs failed: " << std::strerror(errno));
  }
  ~Tmpfs() { umount2(dir_.path().c_str(), MNT_DETACH); }
  std::string path(const std::string& name) const { return dir_ / name; }

 private:
  TempDir dir_{"spamgate-tmpfs"};
};

// Writes zeros to `path` until the file system is full.
void fill(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  const std::string block(4096, '\0');
  while (out.write(block.data(), block.size())) out.flush();
}

HttpResponse notify(const Nginx& nginx, const std::string& subject) {
  HttpRequest request;
  request.method = "POST";
  request.url = nginx.url("/spamgate/notify");
  request.headers = {"Authorization: Bearer " + std::string(kSecret)};
  request.body = "subject=" + form_encode(subject) + "&text=" + form_encode("Body of " + subject);
  return http(request);
}

}  // namespace

TEST_CASE("disk full under the SQLite file: clear 503s, logged, no crash; queued mail survives and flows again") {
  Tmpfs disk("3m");
  TempDir dir("spamgate-storage");
  TestCa ca = make_test_ca(dir.path(), "storage");
  SmtpServer smtp(dir.path(), ca);
  smtp.set_data_reply("451 4.3.0 try later");  // mail stays in the outbox until the end

  PhpFpm fpm;
  SpamgateOptions options{fpm.address(), "", true,
                          std::string(spamgate::testing::kRelaxedChecks) + mail_toml(smtp, ca.ca_cert),
                          kSecret, 4};
  options.store_path = disk.path("spamgate.db");
  SpamgateServer spamgate(options);
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  Nginx nginx(NginxOptions{fastcgi_location("/", spamgate.address())});  // every request to spamgate
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  std::set<std::string> queued;
  for (int i = 0; i < 5; ++i) {
    const std::string subject = "before the disk filled " + std::to_string(i);
    auto response = notify(nginx, subject);
    REQUIRE_MESSAGE(response.status == 202, response.body);
    queued.insert(subject);
  }

  fill(disk.path("filler"));
  auto refused = notify(nginx, "while the disk is full");
  CHECK(refused.status == 503);
  CHECK(refused.body.find("full") != std::string::npos);
  HttpRequest contact;
  contact.method = "POST";
  contact.url = nginx.url("/contact");
  contact.headers = {"Content-Type: application/x-www-form-urlencoded"};
  contact.body = form_body({{"name", "Ann"}, {"email", "ann@example.org"}, {"subject", "Hello"},
                            {"message", "A question about your last post, nothing more."}});
  auto contact_refused = http(contact);
  CHECK(contact_refused.status == 503);
  CHECK(contact_refused.body.find("could not be stored") != std::string::npos);
  CHECK(http_get(nginx.url("/spamgate/health")).status == 200);
  std::this_thread::sleep_for(2s);  // the outbox worker retries against the full disk meanwhile
  CHECK(spamgate.running());
  CHECK(eventually([&] { return spamgate.log().find("full") != std::string::npos; }));

  REQUIRE(std::remove(disk.path("filler").c_str()) == 0);
  CHECK(eventually([&] { return notify(nginx, "after space returned").status == 202; }, 10s));
  queued.insert("after space returned");
  CHECK(http(contact).status == 200);

  smtp.set_data_reply("");
  CHECK(smtp.wait_for_messages(queued.size() + 1, 30s));
  std::set<std::string> delivered;
  for (const RecordedMessage& message : smtp.messages()) delivered.insert(subject_of(message.data));
  for (const std::string& subject : queued) CHECK_MESSAGE(delivered.count(subject) == 1, subject);
  CHECK(delivered.count("while the disk is full") == 0);
  CHECK(spamgate.running());
  std::string integrity;
  CHECK(run("sqlite3 " + spamgate.database_path() + " 'PRAGMA integrity_check'", &integrity) == 0);
  CHECK(integrity.find("ok") == 0);
  CHECK(spamgate.log().find(kSecret) == std::string::npos);
  CHECK(spamgate.log().find(smtp.options().password) == std::string::npos);
}

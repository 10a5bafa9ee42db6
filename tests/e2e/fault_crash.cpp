// spamgate killed with SIGKILL while it takes notifications and contact
// messages and sends mail through a real SMTP server: after a restart every
// message it acknowledged (202 / 200) is delivered, none is lost, and the
// SQLite file passes PRAGMA integrity_check.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
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
const char* kSecret = "crash-test-shared-secret-91c4";
}  // namespace

TEST_CASE("SIGKILL while serving and sending: restarted, no acknowledged message lost, integrity ok") {
  TempDir dir("spamgate-crash");
  TestCa ca = make_test_ca(dir.path(), "crash");
  SmtpServer smtp(dir.path(), ca);
  PhpFpm fpm;
  SpamgateServer spamgate(SpamgateOptions{
      fpm.address(), "", true,
      std::string(spamgate::testing::kRelaxedChecks) + mail_toml(smtp, ca.ca_cert),
      kSecret, 4});
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  Nginx nginx(NginxOptions{fastcgi_location("/", spamgate.address())});  // every request to spamgate
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<int> sent{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string subject = "crash test " + std::to_string(t) + "-" + std::to_string(i);
        HttpRequest request;
        request.method = "POST";
        request.url = nginx.url("/spamgate/notify");
        request.headers = {"Authorization: Bearer " + std::string(kSecret)};
        request.body = "subject=" + form_encode(subject) + "&text=" + form_encode("Body of " + subject);
        request.timeout_ms = 3000;
        ++sent;
        if (http(request).status == 202) {
          std::lock_guard lock(mutex);
          acknowledged.insert(subject);
        }
      }
    });

  // Kill it twice in mid-stream, once as soon as mail starts flowing.
  CHECK(smtp.wait_for_messages(3, 20s));
  spamgate.kill9();
  std::this_thread::sleep_for(300ms);
  REQUIRE_MESSAGE(spamgate.restart(), spamgate.log());
  smtp.wait_for_messages(smtp.messages().size() + 3, 20s);  // mail flows again: kill it mid-stream
  spamgate.kill9();
  REQUIRE_MESSAGE(spamgate.restart(), spamgate.log());
  const auto acknowledged_count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  const size_t so_far = acknowledged_count();
  eventually([&] { return acknowledged_count() >= so_far + 5; }, 20s);  // served again before the clients stop
  stop = true;
  for (auto& client : clients) client.join();

  REQUIRE(acknowledged.size() > 10);
  std::set<std::string> delivered;
  CHECK(eventually([&] {
    delivered.clear();
    for (const RecordedMessage& message : smtp.messages()) delivered.insert(subject_of(message.data));
    for (const std::string& subject : acknowledged)
      if (!delivered.count(subject)) return false;
    return true;
  }, 60s));
  size_t lost = 0;
  for (const std::string& subject : acknowledged) lost += delivered.count(subject) == 0;
  MESSAGE(sent.load() << " notifications posted, " << acknowledged.size() << " acknowledged, "
                      << smtp.messages().size() << " delivered (at-least-once), " << lost << " lost");
  CHECK(lost == 0);
  spamgate.stop();
  std::string integrity;
  CHECK(run("sqlite3 " + spamgate.database_path() + " 'PRAGMA integrity_check'", &integrity) == 0);
  CHECK(integrity == "ok\n");
  CHECK(spamgate.log().find(kSecret) == std::string::npos);
  CHECK(spamgate.log().find(smtp.options().password) == std::string::npos);
}

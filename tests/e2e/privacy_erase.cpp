// A privacy export and erase reach every place spamgate keeps a person's
// data (issue 23, item 4), end to end: nginx → `spamgate serve` with mail
// through a real SMTP server and [shared] state on a real redis-server. A
// contact message that passed (in the outbox, and its text for rules try
// in the submissions) and a decision
// about the same person (it travels on the learning stream) are exported,
// then erased; afterwards no row of any table in the SQLite store, and no
// value of any key under the node's Redis prefix, holds the address.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "contact_mail_site.h"
#include "harness/redis.h"

using namespace harness;
using namespace contact_mail;
using nlohmann::json;

namespace {

const std::string kAddress = "Taro.Yamada+privacy@example.jp";  // mixed case: erasure is case-insensitive

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "table.column" of every cell in the store whose text holds `needle`
// (ASCII case-insensitive), one per line; "" when none does.
std::string rows_holding(const std::string& db, const std::string& needle) {
  std::string found;
  for (const std::string& table :
       words(sqlite_query(db, "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'table'"))) {
    for (const std::string& column :
         words(sqlite_query(db, "SELECT group_concat(name, ' ') FROM pragma_table_info('" + table + "')"))) {
      const std::string n = sqlite_query(db, "SELECT count(*) FROM \"" + table + "\" WHERE instr(lower(CAST(\"" +
                                                 column + "\" AS TEXT)), '" + lower(needle) + "') > 0");
      if (n != "0") found += table + "." + column + " (" + n + " rows)\n";
    }
  }
  return found;
}

// Every key under `prefix` whose value (string, stream, hash, list, set or
// sorted set) holds `needle`, one per line; "" when none does.
std::string redis_values_holding(const Redis& redis, const std::string& prefix, const std::string& needle) {
  std::string found;
  for (const std::string& key : redis.keys(prefix + "*")) {
    const std::string type = redis.cli({"TYPE", key});
    std::string value;
    if (type.rfind("string", 0) == 0) value = redis.cli({"GET", key});
    else if (type.rfind("stream", 0) == 0) value = redis.cli({"XRANGE", key, "-", "+"});
    else if (type.rfind("hash", 0) == 0) value = redis.cli({"HGETALL", key});
    else if (type.rfind("list", 0) == 0) value = redis.cli({"LRANGE", key, "0", "-1"});
    else if (type.rfind("set", 0) == 0) value = redis.cli({"SMEMBERS", key});
    else if (type.rfind("zset", 0) == 0) value = redis.cli({"ZRANGE", key, "0", "-1"});
    if (lower(key + value).find(lower(needle)) != std::string::npos) found += key + " (" + type.substr(0, 6) + ")\n";
  }
  return found;
}

struct Site {
  TempDir dir{"spamgate-privacy"};
  Redis redis;
  TestCa ca = make_test_ca(dir.path(), "privacy");
  SmtpServer smtp{dir.path(), ca};
  std::unique_ptr<SpamgateServer> spamgate;
  std::unique_ptr<Nginx> nginx;

  Site() {
    chmod(smtp.password_file().c_str(), 0600);
    const std::string shared = "[shared]\nredis = \"" + redis.url() + "\"\ntimeout_ms = 50\nnode = \"web1\"\n\n";
    spamgate = std::make_unique<SpamgateServer>(
        mail_spamgate_options(std::string(kRelaxedChecks) + mail_toml(smtp, ca.ca_cert) + shared, kSharedSecret, 4));
    REQUIRE_MESSAGE(spamgate->wait_until_listening(), spamgate->log());
    nginx = std::make_unique<Nginx>(site(*spamgate));
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }

  HttpResponse api(const std::string& method, const std::string& path, const json& body = nullptr) const {
    HttpRequest request;
    request.method = method;
    request.url = nginx->url(path);
    request.headers = {"Authorization: Bearer " + kSharedSecret};
    if (!body.is_null()) {
      request.headers.push_back("Content-Type: application/json");
      request.body = body.dump();
    }
    return http(request);
  }
};

}  // namespace

TEST_CASE("erase reaches the outbox, the decisions and Redis: afterwards nothing holds the address") {
  Site site;
  INFO(site.spamgate->log());
  const HttpResponse posted =
      post_body(site.nginx->url("/contact"), "application/x-www-form-urlencoded",
                contact_body("山田 太郎", kAddress, "お見積もりのお願い", "token-privacy 見積もりをお願いします。"));
  REQUIRE(posted.status == 200);
  REQUIRE_MESSAGE(site.smtp.wait_for_messages(1), site.smtp.log());
  const std::string db = site.spamgate->database_path();
  REQUIRE(eventually([&] { return sqlite_query(db, "SELECT status FROM outbox WHERE kind = 'contact'") == "sent"; }));

  // A decision about the same person: it travels on the learning stream.
  const HttpResponse decided = site.api("POST", "/spamgate/feedback",
                                        {{"decision", "ham"}, {"comment_id", "41"}, {"author", "山田 太郎"},
                                         {"email", kAddress}, {"body", "ありがとうございました"}});
  REQUIRE_MESSAGE(decided.status == 200, decided.body);
  CHECK_FALSE(redis_values_holding(site.redis, "spamgate:", kAddress).empty());  // the check below can fail

  // The export names the outbox row (the passed contact message).
  const HttpResponse exported = site.api("GET", "/spamgate/personal-data?email=" + form_encode(kAddress));
  REQUIRE(exported.status == 200);
  const json data = json::parse(exported.body, nullptr, false);
  REQUIRE(data.is_object());
  REQUIRE_MESSAGE(data.contains("mails"), exported.body);
  REQUIRE(data["mails"].size() == 1);
  CHECK(data["mails"][0]["kind"] == "contact");
  CHECK(data["mails"][0]["status"] == "sent");
  CHECK(lower(data["mails"][0]["message"].get<std::string>()).find(lower(kAddress)) != std::string::npos);
  CHECK(data["decisions"].size() == 1);
  // The passed message's text, kept a few days for `rules try`
  // ([review] keep_passed_days), is the person's data too.
  REQUIRE(data["submissions"].size() == 1);
  CHECK(data["submissions"][0]["action"] == "pass");

  const HttpResponse erased = site.api("POST", "/spamgate/personal-data/erase", {{"email", lower(kAddress)}});
  REQUIRE_MESSAGE(erased.status == 200, erased.body);
  CHECK_MESSAGE(rows_holding(db, kAddress).empty(), "rows still holding the address:\n" << rows_holding(db, kAddress));
  CHECK_MESSAGE(redis_values_holding(site.redis, "spamgate:", kAddress).empty(),
                "Redis values still holding the address:\n" << redis_values_holding(site.redis, "spamgate:", kAddress));
  const json after = json::parse(site.api("GET", "/spamgate/personal-data?email=" + form_encode(kAddress)).body,
                                 nullptr, false);
  CHECK(after.value("mails", json::array()).empty());
  CHECK(after.value("decisions", json::array()).empty());
  CHECK(site.spamgate->log().find(lower(kAddress)) == std::string::npos);
}

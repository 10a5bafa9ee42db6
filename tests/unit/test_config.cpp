#include <doctest/doctest.h>

#include <string>

#include "config/config.h"
#include "config/toml_depth.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;
using spamgate::testing::write_file;

TEST_CASE("the shipped sample config loads and matches the built-in defaults") {
  auto loaded = load_config(SPAMGATE_SOURCE_DIR "/spamgate.toml");
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  const Config defaults;
  // Two deliberate differences: a unix socket, not a TCP port every local
  // user can reach, and a WordPress folder (serve refuses to start without one).
  CHECK(loaded->server.listen == "unix:/run/spamgate/spamgate.sock");
  CHECK(loaded->server.socket_mode == "0660");
  CHECK(loaded->upstream.document_root == "/var/www/wordpress");
  CHECK(loaded->server.threads == defaults.server.threads);
  CHECK(loaded->limits.max_body_bytes == defaults.limits.max_body_bytes);
  CHECK(loaded->endpoints.comment == defaults.endpoints.comment);
  CHECK(loaded->checks.max_token_age_seconds == defaults.checks.max_token_age_seconds);
  CHECK(loaded->checks.rate_burst == defaults.checks.rate_burst);
  CHECK(loaded->upstream.response_timeout_ms == defaults.upstream.response_timeout_ms);
  CHECK(loaded->store.retention_days == defaults.store.retention_days);
  CHECK(loaded->mail.caps.per_day == defaults.mail.caps.per_day);
  CHECK(loaded->mail.backoff_max_seconds == defaults.mail.backoff_max_seconds);
  CHECK(loaded->resolve("rules/default.rules") == SPAMGATE_SOURCE_DIR "/rules/default.rules");
}

TEST_CASE("values are read and relative paths resolve against the config's folder") {
  const TempDir dir("spamgate-config");
  auto path = dir.write("spamgate.toml", R"(
[server]
listen = "unix:/run/spamgate.sock"
threads = 4
[actions]
on_reject = "discard"
[store]
path = "data/sg.db"
[mail]
enabled = true
smtp_url = "smtp://smtp.example.com:587"
username = "blog@example.com"
password = { env = "SMTP_PASSWORD" }
from_address = "blog@example.com"
owners = ["owner@example.com"]
[mail.caps]
per_hour = 3
shared_secret = { file = "secret.txt" }
)");
  auto loaded = load_config(path);
  // shared_secret above sits inside [mail.caps] in TOML terms: refused.
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error() == path + ":18: unknown setting 'mail.caps.shared_secret'");

  write_file(path, R"(
shared_secret = { file = "secret.txt" }
[server]
listen = "unix:/run/spamgate.sock"
threads = 4
[actions]
on_reject = "discard"
[store]
path = "data/sg.db"
[mail]
enabled = true
smtp_url = "smtp://smtp.example.com:587"
password = { env = "SMTP_PASSWORD" }
from_address = "blog@example.com"
owners = ["owner@example.com"]
[mail.caps]
per_hour = 3
)");
  loaded = load_config(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  CHECK(loaded->server.listen == "unix:/run/spamgate.sock");
  CHECK(loaded->server.threads == 4);
  CHECK(loaded->actions.on_reject == RejectMode::discard);
  CHECK(loaded->resolve(loaded->store.path) == dir / "data/sg.db");
  CHECK(loaded->mail.password.env == "SMTP_PASSWORD");
  CHECK(loaded->mail.caps.per_hour == 3);
  CHECK(loaded->shared_secret.file == "secret.txt");
}

TEST_CASE("every error is reported as file:line: message, all at once") {
  const TempDir dir("spamgate-config");
  auto path = dir.write("spamgate.toml", R"([server]
threads = "many"
lisen = "127.0.0.1:1"
[checks]
min_seconds = -1
[actions]
on_reject = "bounce"
[mail]
password = "hunter2"
)");
  auto loaded = load_config(path);
  REQUIRE_FALSE(loaded.ok());
  const std::string& e = loaded.error();
  CHECK(e.find(path + ":2: server.threads: expected an integer") != std::string::npos);
  CHECK(e.find(path + ":3: unknown setting 'server.lisen'") != std::string::npos);
  CHECK(e.find(path + ":5: checks.min_seconds: must be between 0 and 3600") != std::string::npos);
  CHECK(e.find(path + ":7: actions.on_reject: must be \"reject\" or \"discard\"") != std::string::npos);
  CHECK(e.find(path + ":9: mail.password: expected a table") != std::string::npos);
  CHECK(e.find("hunter2") == std::string::npos);
}

TEST_CASE("[shared]: read with its defaults; TLS URLs, other schemes and secrets in the file are refused") {
  const TempDir dir("spamgate-config");
  auto good = load_config(dir.write("good.toml", "[shared]\nredis = \"redis://10.0.0.5:6379/1\"\nnode = \"web1\"\n"
                                                 "password = { env = \"SPAMGATE_REDIS_PASSWORD\" }\n"));
  REQUIRE_MESSAGE(good.ok(), good.error());
  CHECK(good.error().empty());  // a loaded config has no reason to print, even under doctest -s
  CHECK(good->shared.redis == "redis://10.0.0.5:6379/1");
  CHECK(good->shared.node == "web1");
  CHECK(good->shared.password.env == "SPAMGATE_REDIS_PASSWORD");
  CHECK(good->shared.timeout_ms == 10);
  CHECK(good->shared.key_prefix == "spamgate:");
  CHECK(good->shared.defer_decided);  // spam the rules reject does not wait for Redis
  auto waiting = load_config(dir.write("waiting.toml", "[shared]\nredis = \"unix:/run/redis.sock\"\ndefer_decided = false\n"));
  REQUIRE_MESSAGE(waiting.ok(), waiting.error());
  CHECK_FALSE(waiting->shared.defer_decided);
  auto path = dir.write("bad.toml", R"([shared]
redis = "rediss://cache:6380"
timeout_ms = 0
password = "hunter2"
[shared.extra]
)");
  auto bad = load_config(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find(path + ":2: shared.redis: rediss:// (TLS) needs hiredis 1.0") != std::string::npos);
  CHECK(bad.error().find(path + ":3: shared.timeout_ms: must be between 1 and 10000") != std::string::npos);
  CHECK(bad.error().find(path + ":4: shared.password: expected a table") != std::string::npos);
  CHECK(bad.error().find("hunter2") == std::string::npos);
  auto other = load_config(dir.write("other.toml", "[shared]\nredis = \"memcached://cache\"\n"));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().find("must start with redis:// or unix:") != std::string::npos);
}

TEST_CASE("a TOML syntax error names the file and line") {
  const TempDir dir("spamgate-config");
  auto path = dir.write("spamgate.toml", "[server]\nthreads = 4\nlisten = \"unterminated\n");
  auto loaded = load_config(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().rfind(path + ":3: ", 0) == 0);
}

TEST_CASE("mail enabled without its essentials is refused") {
  const TempDir dir("spamgate-config");
  auto path = dir.write("spamgate.toml", "[mail]\nenabled = true\nsmtp_url = \"http://x\"\n");
  auto loaded = load_config(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().find("smtp_url: must start with smtp://") != std::string::npos);
  CHECK(loaded.error().find("from_address: is required") != std::string::npos);
  CHECK(loaded.error().find("owners: needs at least one owner") != std::string::npos);
  CHECK(loaded.error().find("password: is required") != std::string::npos);
}

TEST_CASE("a mail URL with a user name or password in it is refused at its line") {
  const TempDir dir("spamgate-config");
  const std::string mail = "[mail]\nenabled = true\nsmtp_url = \"smtps://smtp.example.org\"\nfrom_address = "
                           "\"blog@example.org\"\nowners = [\"owner@example.org\"]\npassword = { env = \"PW\" }\n";
  auto path = dir.write("spamgate.toml", mail + "\n[mail.bounces]\nenabled = true\n"
                                                "url = \"imaps://ann:s3cret@imap.example.org/INBOX\"\n");
  auto loaded = load_config(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().rfind(path + ":10: ", 0) == 0);
  CHECK(loaded.error().find("use the username and password") != std::string::npos);
  // A user name alone is refused too; an @ after the host (a folder name) is not user information.
  CHECK_FALSE(load_config(dir.write("user.toml", mail + "[mail.bounces]\nurl = \"imap://ann@imap.example.org/\"\n")).ok());
  auto folder = load_config(dir.write("folder.toml", mail + "[mail.bounces]\nurl = \"imaps://imap.example.org/a@b\"\n"));
  CHECK_MESSAGE(folder.ok(), folder.error());
  auto smtp = load_config(dir.write("smtp.toml", "[mail]\nsmtp_url = \"smtps://ann:s3cret@smtp.example.org\"\n"));
  REQUIRE_FALSE(smtp.ok());
  CHECK(smtp.error().find(":2: ") != std::string::npos);
}

TEST_CASE("a required form token without the shared secret that signs it is refused") {
  const TempDir dir("spamgate-config");
  auto path = dir.write("no-secret.toml", "[checks]\nrequire_token = true\n");
  auto loaded = load_config(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error() == path + ": checks.require_token needs shared_secret, which signs and verifies the form token");
  auto with_secret = dir.write("with-secret.toml", "shared_secret = { env = \"SG_SECRET\" }\n[checks]\nrequire_token = true\n");
  CHECK(load_config(with_secret).ok());
}

TEST_CASE("a missing config file is a clear error") {
  auto loaded = load_config("/nonexistent/spamgate.toml");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error() == "/nonexistent/spamgate.toml: cannot open config file");
}

TEST_CASE("upstream.document_root is read as given; resolve() makes a relative one absolute") {
  const TempDir dir("spamgate-config");
  auto loaded = load_config(dir.write("spamgate.toml", "[upstream]\ndocument_root = \"wordpress\"\n"));
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  CHECK(loaded->upstream.document_root == "wordpress");
  CHECK(loaded->resolve(loaded->upstream.document_root) == dir / "wordpress");
  CHECK(Config{}.upstream.document_root.empty());  // default: serve refuses to start
}

TEST_CASE("deeply nested arrays and inline tables are refused with file:line, not a stack overflow") {
  // Regression (found by feeding fuzz_config deep inputs): toml11 recursed
  // once per level and overflowed the stack around a few thousand levels.
  const TempDir dir("spamgate-config");
  for (const std::string& deep : {"a = " + std::string(100000, '['), "a = " + std::string(50000, '{'),
                                  "[server]\n# [[[[\nx = \"[[[[\"\ny = [" + std::string(100, '[')}) {
    auto path = dir.write("deep.toml", deep);
    auto loaded = load_config(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().find("nest deeper than 64 levels") != std::string::npos);
  }
  auto path = dir.write("deep-line-5.toml", "[server]\nthreads = 4\n\n\n" + std::string("x = ") + std::string(65, '[') + "\n");
  CHECK(load_config(path).error() == path + ":5: arrays and inline tables nest deeper than 64 levels");
  // Brackets inside strings and comments do not count; 64 real levels are fine for the guard.
  CHECK_FALSE(toml_too_deep_line("s = \"" + std::string(200, '[') + "\" # " + std::string(200, '{') + "\n"
                                 "t = '''\n" + std::string(200, '[') + "\n'''\nu = " + std::string(64, '[') +
                                 std::string(64, ']')).has_value());
  CHECK(toml_too_deep_line("a = 1\nb = \"\\\"[\"\n" + std::string(65, '{')) == size_t{3});
}

TEST_CASE("a config that is not UTF-8 is refused with file:line before toml11 parses it") {
  // Regression (fuzz_config): invalid UTF-8 inside a quoted key made toml11
  // 3.7.1 read past its buffer while building the error message.
  const TempDir dir("spamgate-config");
  auto key = dir.write("bad-key.toml", "[server]\nthreads = 2\n'erv\xaa" "check'.rate = 1\n");
  CHECK(load_config(key).error() == key + ":3: not valid UTF-8 (a TOML file must be UTF-8 text)");
  auto value = dir.write("bad-value.toml", "[mail]\nfrom_name = \"Blog \xc3\"\n");
  CHECK(load_config(value).error() == value + ":2: not valid UTF-8 (a TOML file must be UTF-8 text)");
  auto japanese = dir.write("japanese.toml", "[mail]\nfrom_name = \"\xe3\x83\x96\xe3\x83\xad\xe3\x82\xb0\"\n");
  auto loaded = load_config(japanese);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  CHECK(loaded->mail.from_name == "\xe3\x83\x96\xe3\x83\xad\xe3\x82\xb0");
}

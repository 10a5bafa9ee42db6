// The built-in checks: each fires with its exact detail, and stays quiet on
// ordinary submissions. Stateful checks run against FakeHistory below.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "scoring/checks/body_hash.h"
#include "scoring/checks/builtin_checks.h"
#include "scoring/checks/form_token.h"

using namespace spamgate;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow{std::chrono::seconds{1'700'000'000}};
constexpr std::string_view kSecret = "s3cret";

// A SubmissionHistory kept in memory: a token bucket per IP and the time
// each body hash was last seen. Records the arguments it was called with.
class FakeHistory final : public SubmissionHistory {
 public:
  bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) override {
    rate_calls.push_back({std::string(ip), per_minute, burst, now});
    auto [it, fresh] = buckets.try_emplace(std::string(ip), Bucket{burst, now});
    Bucket& bucket = it->second;
    const double minutes = std::chrono::duration<double>(now - bucket.updated).count() / 60;
    bucket.tokens = std::min(burst, bucket.tokens + minutes * per_minute);
    bucket.updated = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) override {
    windows.push_back(window_seconds);
    const auto previous = seen.find(body_hash);
    const bool recent = previous != seen.end() && now - previous->second <= std::chrono::seconds{window_seconds};
    seen[body_hash] = now;
    return recent;
  }

  struct RateCall {
    std::string ip;
    double per_minute, burst;
    TimePoint now;
  };
  struct Bucket {
    double tokens;
    TimePoint updated;
  };
  std::vector<RateCall> rate_calls;
  std::map<std::string, Bucket> buckets;
  std::map<uint64_t, TimePoint> seen;
  std::vector<int> windows;
};

const BuiltinCheck& check_named(std::string_view name) {
  for (const BuiltinCheck& check : builtin_checks())
    if (check.name == name) return check;
  FAIL("no check named " << name);
  throw;  // unreachable: FAIL throws
}

// Runs one check with the given config, history and time.
struct Runner {
  ChecksConfig config;
  std::string_view secret = kSecret;
  SubmissionHistory* history = nullptr;
  TimePoint now = kNow;

  std::optional<std::string> operator()(std::string_view name, const Submission& submission) const {
    CheckContext context{config, secret, history, now};
    // The scorer asks the history once for both; here only the check run asks.
    HistoryAnswers answers;
    if (history) {
      answers = history->answer(history_questions(submission, config, name == "RATE_IP", name == "DUPLICATE"), now);
      context.history_answers = &answers;
    }
    return check_named(name).run(submission, context);
  }
};

Submission comment() {
  Submission s;
  s.author = "Jos\xC3\xA9 O'Brien";
  s.email = "jose.obrien@example.org";
  s.url = "https://example.org/blog?page=2;lang=en";
  s.subject = "Question: price; delivery?";
  s.body = "Nice post!\r\nI tried this with C:\\new\\folder and it worked.";
  s.ip = "203.0.113.7";
  return s;
}

Submission with_field(std::string Submission::*member, std::string value) {
  Submission s = comment();
  s.*member = std::move(value);
  return s;
}

Submission with_form(std::string name, std::string value) {
  Submission s = comment();
  s.raw_form.emplace_back(std::move(name), std::move(value));
  return s;
}

}  // namespace

TEST_CASE("the table lists every built-in check once, in a stable order, with a score and description") {
  std::vector<std::string_view> names;
  for (const BuiltinCheck& check : builtin_checks()) {
    names.push_back(check.name);
    CHECK(check.default_score > 0);
    CHECK_FALSE(check.description.empty());
    CHECK(static_cast<bool>(check.run));
  }
  CHECK(names == std::vector<std::string_view>{"HEADER_INJECTION", "HONEYPOT", "TOO_FAST", "NO_TOKEN", "RATE_IP",
                                               "DUPLICATE", "BBCODE_LINK", "INVALID_EMAIL", "BAD_UTF8",
                                               "LINK_ONLY", "FUZZY"});
  // Alone enough to reject at the default threshold of 10.
  CHECK(check_named("HEADER_INJECTION").default_score >= 10);
  CHECK(check_named("HONEYPOT").default_score >= 10);
}

TEST_CASE("an ordinary comment fires no check") {
  FakeHistory history;
  Runner run;
  run.history = &history;
  run.config.require_token = true;
  Submission s = with_form("sg_token", make_form_token(kSecret, 1'700'000'000 - 60));
  s.raw_form.emplace_back("sg_website", "");
  for (const BuiltinCheck& check : builtin_checks()) {
    CAPTURE(check.name);
    CHECK(run(check.name, s) == std::nullopt);
  }
}

TEST_CASE("HEADER_INJECTION: line breaks and encoded-words in single-line fields") {
  const Runner run;
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "Jane\nBcc: x@example.org")) == "author: line feed");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@example.org\r")) == "email: carriage return");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, std::string("hi\0there", 8))) == "subject: NUL");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "a\xC2\x85" "b")) == "subject: next line (U+0085)");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::url, "a\xE2\x80\xA8")) == "url: line separator (U+2028)");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "\xE2\x80\xA9")) ==
        "author: paragraph separator (U+2029)");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "=?UTF-8?B?QmNjOiB4QGV4YW1wbGUub3Jn?=")) ==
        "subject: encoded-word");
  // The body is many lines by nature and is not a header field.
  CHECK(run("HEADER_INJECTION", with_field(&Submission::body, "line 1\r\nBcc: x@example.org")) == std::nullopt);
}

TEST_CASE("HEADER_INJECTION: encoded line breaks are decoded once, and nested ones are seen") {
  const Runner run;
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "x%0d%0aBcc: a@example.org")) ==
        "subject: carriage return after percent-decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "x&#10;Bcc: a@example.org")) ==
        "author: line feed after HTML-entity decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "x&#x0D;")) ==
        "author: carriage return after HTML-entity decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "x&NewLine;")) ==
        "author: line feed after HTML-entity decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@example.org%26%2310%3B")) ==
        "email: line feed after percent- and HTML-entity decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "x%250aSet-Cookie: a=b")) ==
        "subject: line feed under nested percent-encoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "x&amp;#10;y")) ==
        "subject: line feed under nested HTML-entity encoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "x\\r\\nBcc: a@example.org")) ==
        "subject: escaped line break \"\\r\\n\"");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "0x0D0x0A")) ==
        "author: escaped line break \"0x0d0x0a\"");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "/%u000aSet-Cookie")) ==
        "email: escaped line break \"%u000a\"");
  // Ordinary text that merely looks technical stays clean.
  for (const char* subject : {"Fix for C:\\new\\folder", "error 0x0A on boot", "50% off; 100%25 sure",
                              "price &lt; 10 &amp; more", "=? is not a word"}) {
    CAPTURE(subject);
    CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, subject)) == std::nullopt);
  }
}

TEST_CASE("HEADER_INJECTION: more than one address in a single-line field") {
  const Runner run;
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@x.com, b@y.com")) ==
        "email: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@x.com;b@y.com")) == "email: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "Name <a@x> , c@d")) ==
        "email: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@x.com b@y.com")) == "email: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "undisclosed:;")) == "email: address group syntax");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "friends: a@x.com, Bo <b@y.com>;")) ==
        "email: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "Jane <j@x.org>, b@y.org")) ==
        "author: more than one address");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "list: j@x.org;")) ==
        "author: address group syntax");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::email, "a@x.com%2Cb@y.com")) ==
        "email: more than one address after percent-decoding");
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "a@x.com&#44b@y.com")) ==
        "subject: more than one address after HTML-entity decoding");
  // One address, or addresses that are not a list.
  for (const char* email : {"\"a,b;c\"@example.org", "much.\"more, unusual\"@example.org", "Jane <j@x.org>"}) {
    CAPTURE(email);
    CHECK(run("HEADER_INJECTION", with_field(&Submission::email, email)) == std::nullopt);
  }
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "moved: old@a.org -> new@b.org")) == std::nullopt);
  CHECK(run("HEADER_INJECTION", with_field(&Submission::subject, "Re: meeting; tomorrow")) == std::nullopt);
  CHECK(run("HEADER_INJECTION", with_field(&Submission::author, "Smith, John; Jr.")) == std::nullopt);
  CHECK(run("HEADER_INJECTION", with_field(&Submission::url, "https://u@example.org/a;b")) == std::nullopt);
}

TEST_CASE("HONEYPOT fires when the hidden field is filled in") {
  Runner run;
  CHECK(run("HONEYPOT", with_form("sg_website", "http://spam.example")) == "honeypot field \"sg_website\" filled in");
  CHECK(run("HONEYPOT", with_form("sg_website", " ")) == "honeypot field \"sg_website\" filled in");
  CHECK(run("HONEYPOT", with_form("sg_website", "")) == std::nullopt);
  CHECK(run("HONEYPOT", comment()) == std::nullopt);
  run.config.honeypot_field = "hp";
  CHECK(run("HONEYPOT", with_form("sg_website", "x")) == std::nullopt);
  CHECK(run("HONEYPOT", with_form("hp", "x")) == "honeypot field \"hp\" filled in");
  run.config.honeypot_field = "";
  CHECK(run("HONEYPOT", with_form("", "x")) == std::nullopt);
}

TEST_CASE("form tokens: the exact format the WordPress plugin makes") {
  // PHP: $t = '1700000000'; echo $t . '.' . hash_hmac('sha256', $t, 's3cret');
  CHECK(make_form_token("s3cret", 1'700'000'000) ==
        "1700000000.b82d76a98690627a418267faa0be5e8830d04d82cc88b5450d2c0f32173127c5");
  const std::string token = make_form_token(kSecret, 1'700'000'000);
  CHECK(verify_form_token(token, kSecret, 1'700'000'010, 100).status == TokenStatus::valid);
  CHECK(verify_form_token(token, kSecret, 1'700'000'010, 100).age_seconds == 10);
  CHECK(verify_form_token("", kSecret, 1'700'000'000, 100).status == TokenStatus::missing);
  CHECK(verify_form_token(token, "other", 1'700'000'000, 100).status == TokenStatus::bad_signature);
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad : {std::string("1700000000"), std::string("abc.def"), upper, "x" + token, token + "0",
                                 "-" + token, "." + token.substr(11)}) {
    CAPTURE(bad);
    CHECK(verify_form_token(bad, kSecret, 1'700'000'000, 100).status == TokenStatus::malformed);
  }
}

TEST_CASE("NO_TOKEN: required token missing, malformed, forged, from the future or expired") {
  Runner run;
  run.config.require_token = true;
  run.config.max_token_age_seconds = 3600;
  const auto at = [](int64_t offset) { return with_form("sg_token", make_form_token(kSecret, 1'700'000'000 + offset)); };
  CHECK(run("NO_TOKEN", comment()) == "token missing (field \"sg_token\")");
  CHECK(run("NO_TOKEN", with_form("sg_token", "")) == "token missing (field \"sg_token\")");
  CHECK(run("NO_TOKEN", with_form("sg_token", "1700000000.abc")) == "token malformed (field \"sg_token\")");
  CHECK(run("NO_TOKEN", with_form("sg_token", make_form_token("guessed", 1'699'999'000))) ==
        "token signature does not match (field \"sg_token\")");
  CHECK(run("NO_TOKEN", at(61)) == "token from 61 s in the future (field \"sg_token\")");
  CHECK(run("NO_TOKEN", at(60)) == std::nullopt);  // tolerated clock skew
  CHECK(run("NO_TOKEN", at(-3601)) == "token expired: 3601 s old, maximum 3600 s (field \"sg_token\")");
  CHECK(run("NO_TOKEN", at(-3600)) == std::nullopt);
  CHECK(run("NO_TOKEN", at(-10)) == std::nullopt);

  run.config.require_token = false;  // not required: never fires
  CHECK(run("NO_TOKEN", comment()) == std::nullopt);
  run.config.require_token = true;
  run.secret = "";  // nothing to verify with: token checks are off
  CHECK(run("NO_TOKEN", comment()) == std::nullopt);
  run.secret = kSecret;
  run.config.token_field = "";
  CHECK(run("NO_TOKEN", comment()) == std::nullopt);
}

TEST_CASE("TOO_FAST: a valid token younger than min_seconds") {
  Runner run;
  run.config.min_seconds = 3;
  const auto at = [](int64_t offset) { return with_form("sg_token", make_form_token(kSecret, 1'700'000'000 + offset)); };
  CHECK(run("TOO_FAST", at(-1)) == "sent 1 s after the form was shown (minimum 3 s)");
  CHECK(run("TOO_FAST", at(0)) == "sent 0 s after the form was shown (minimum 3 s)");
  CHECK(run("TOO_FAST", at(-3)) == std::nullopt);
  CHECK(run("TOO_FAST", at(-300)) == std::nullopt);
  // Only a valid token tells the time; a bad one is NO_TOKEN's business.
  CHECK(run("TOO_FAST", with_form("sg_token", make_form_token("guessed", 1'700'000'000))) == std::nullopt);
  CHECK(run("TOO_FAST", comment()) == std::nullopt);
  run.secret = "";
  CHECK(run("TOO_FAST", at(-1)) == std::nullopt);
}

TEST_CASE("RATE_IP: fires when the IP's bucket is empty") {
  FakeHistory history;
  Runner run;
  run.history = &history;
  run.config.rate_per_minute = 3;
  run.config.rate_burst = 2;
  const Submission s = comment();
  CHECK(run("RATE_IP", s) == std::nullopt);
  CHECK(run("RATE_IP", s) == std::nullopt);
  CHECK(run("RATE_IP", s) == "more than 3 per minute (burst 2) from 203.0.113.7");
  REQUIRE(history.rate_calls.size() == 3);
  CHECK(history.rate_calls[0].ip == "203.0.113.7");
  CHECK(history.rate_calls[0].per_minute == 3);
  CHECK(history.rate_calls[0].burst == 2);
  CHECK(history.rate_calls[0].now == kNow);
  run.now = kNow + 20s;  // one token back
  CHECK(run("RATE_IP", s) == std::nullopt);
  CHECK(run("RATE_IP", with_field(&Submission::ip, "198.51.100.1")) == std::nullopt);

  run.config.rate_per_minute = 0.5;
  CHECK(run("RATE_IP", s) == "more than 0.5 per minute (burst 2) from 203.0.113.7");
  const size_t calls = history.rate_calls.size();
  CHECK(run("RATE_IP", with_field(&Submission::ip, "")) == std::nullopt);  // the CLI: no client
  CHECK(history.rate_calls.size() == calls);
  run.history = nullptr;
  CHECK(run("RATE_IP", s) == std::nullopt);
}

TEST_CASE("DUPLICATE: the same body, give or take spacing and capitals, within the window") {
  FakeHistory history;
  Runner run;
  run.history = &history;
  run.config.duplicate_window_seconds = 600;
  CHECK(run("DUPLICATE", with_field(&Submission::body, "Buy cheap pills now")) == std::nullopt);
  CHECK(run("DUPLICATE", with_field(&Submission::body, "  buy CHEAP\r\n\tpills  now ")) ==
        "same text seen within the last 600 s");
  CHECK(history.windows.back() == 600);
  CHECK(run("DUPLICATE", with_field(&Submission::body, "Buy cheap pills later")) == std::nullopt);
  run.now = kNow + 601s;
  CHECK(run("DUPLICATE", with_field(&Submission::body, "Buy cheap pills later")) == std::nullopt);
  // Empty bodies never count and are never recorded.
  const size_t recorded = history.windows.size();
  CHECK(run("DUPLICATE", with_field(&Submission::body, "")) == std::nullopt);
  CHECK(run("DUPLICATE", with_field(&Submission::body, " \r\n ")) == std::nullopt);
  CHECK(history.windows.size() == recorded);
  run.history = nullptr;
  CHECK(run("DUPLICATE", with_field(&Submission::body, "Buy cheap pills now")) == std::nullopt);
}

TEST_CASE("body_hash: SHA-256 of the normalized body, first 8 bytes big-endian") {
  CHECK(normalize_body("  Hello \n\t WORLD  ") == "hello world");
  CHECK(normalize_body("Gr\xC3\x9C\xC3\x9F") == "gr\xC3\x9C\xC3\x9F");  // only ASCII is lower-cased
  CHECK(body_hash("Hello   World") == 0xb94d27b9934d3e08ULL);              // sha256("hello world")
  CHECK(body_hash("hello world") != body_hash("hello world!"));
}

TEST_CASE("BBCODE_LINK: [url], [url=...] and [link=...] in the body") {
  const Runner run;
  CHECK(run("BBCODE_LINK", with_field(&Submission::body, "cheap [url=http://x.example]pills[/url]")) ==
        "body: BBCode link tag [url=...]");
  CHECK(run("BBCODE_LINK", with_field(&Submission::body, "[URL]http://x.example[/URL] and [Link=y]z[/link]")) ==
        "body: 2 BBCode link tags, first [url]");
  CHECK(run("BBCODE_LINK", with_field(&Submission::body, "see [link=http://x.example]")) ==
        "body: BBCode link tag [link=...]");
  CHECK(run("BBCODE_LINK", with_field(&Submission::body, "[b]bold[/b] and [link] and url=")) == std::nullopt);
  CHECK(run("BBCODE_LINK", with_field(&Submission::author, "[url]x[/url]")) == std::nullopt);
}

TEST_CASE("INVALID_EMAIL: a non-empty email field that is no addr-spec") {
  const Runner run;
  CHECK(run("INVALID_EMAIL", with_field(&Submission::email, "")) == std::nullopt);
  CHECK(run("INVALID_EMAIL", with_field(&Submission::email, "a@example.org")) == std::nullopt);
  CHECK(run("INVALID_EMAIL", with_field(&Submission::email, "a@@example.org")) == "email: '@' not allowed in domain");
  CHECK(run("INVALID_EMAIL", with_field(&Submission::email, "a@example.org ")) == "email: space in address");
  CHECK(run("INVALID_EMAIL", with_field(&Submission::email, "Jane <a@example.org>")) == "email: space in address");
}

TEST_CASE("BAD_UTF8: any text field that is not well-formed UTF-8") {
  const Runner run;
  CHECK(run("BAD_UTF8", with_field(&Submission::body, "ok \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80")) ==
        std::nullopt);
  CHECK(run("BAD_UTF8", with_field(&Submission::body, "caf\xE9 au lait")) == "body: invalid UTF-8 at byte 3");
  CHECK(run("BAD_UTF8", with_field(&Submission::author, "\xC0\xAF")) == "author: invalid UTF-8 at byte 0");
  CHECK(run("BAD_UTF8", with_field(&Submission::subject, "x\xED\xA0\x80")) == "subject: invalid UTF-8 at byte 1");
  CHECK(run("BAD_UTF8", with_field(&Submission::url, "\xF4\x90\x80\x80")) == "url: invalid UTF-8 at byte 0");
  CHECK(run("BAD_UTF8", with_field(&Submission::email, "a\xE2\x82")) == "email: invalid UTF-8 at byte 1");
  CHECK(run("BAD_UTF8", with_field(&Submission::user_agent, "\xFF")) == std::nullopt);  // not a text field
}

TEST_CASE("LINK_ONLY: a link with at most 3 words on either side, words counted in every script") {
  const Runner run;
  const auto link_only = [&](std::string body) { return run("LINK_ONLY", with_field(&Submission::body, std::move(body))); };
  CHECK(link_only("no link at all") == std::nullopt);
  CHECK(link_only("http://deals.example/x") == "body: 1 link and 0 words");
  CHECK(link_only("Nice post! http://deals.example/x Thanks a lot") == "body: 1 link and 5 words");
  CHECK(link_only("I liked this post, see http://deals.example/x") == std::nullopt);  // 5 words before
  CHECK(link_only("see <b>this</b>: <a href=\"http://deals.example/\">my great site with pills</a>") ==
        "body: 1 link and 2 words");  // the anchor's text and the tags are not words around the link
  CHECK(link_only("http://a.example http://b.example") == "body: 2 links and 0 words");
  CHECK(link_only("one two three http://a.example four five six http://b.example seven eight nine") == std::nullopt);
  // Scripts without spaces: 2 kanji or kana make a word, 4 Thai letters (marks not counted) make a word.
  CHECK(link_only("ありがとう https://deals.example/x") == "body: 1 link and 3 words");           // 5 kana
  CHECK(link_only("ありがとうございます https://deals.example/x") == std::nullopt);               // 10 kana: 5 words
  CHECK(link_only("ｱﾘｶﾞﾄｳｺﾞｻﾞｲﾏｽ https://deals.example/x") == std::nullopt);                   // half-width katakana
  CHECK(link_only("谢谢分享 https://deals.example/x") == "body: 1 link and 2 words");
  CHECK(link_only("ขอบคุณครับ https://deals.example/x") == "body: 1 link and 2 words");
  CHECK(link_only("좋은 글 감사합니다 https://deals.example/x") == "body: 1 link and 3 words");   // Hangul has spaces
  CHECK(link_only("좋은 글 정말 감사합니다 https://deals.example/x") == std::nullopt);
  CHECK(link_only("同じ症状で困っていたので助かりました。公式ドキュメント https://wordpress.org/documentation/ も参考にしました。") ==
        std::nullopt);
  CHECK(link_only("\xFF\xFE http://deals.example/x") == "body: 1 link and 0 words");  // ill-formed bytes are no words
}

TEST_CASE("count_links counts each link once, however it is written") {
  const auto links = [](std::string body) {
    Submission s;
    s.body = std::move(body);
    return count_links(s);
  };
  CHECK(links("") == 0);
  CHECK(links("no links here, see www or http:// alone") == 0);
  CHECK(links("see http://a.example/x and HTTPS://b.example") == 2);
  CHECK(links("ftp://files.example/pub www.c.example") == 2);
  CHECK(links("<a href=\"http://a.example\">http://a.example</a>") == 1);
  CHECK(links("<A HREF='/relative'>here</A> <a name=\"top\">") == 1);
  CHECK(links("[url=http://a.example]http://a.example[/url] [url]http://b.example[/url] [link=c]d[/link]") == 3);
  CHECK(links("mail me at me@www.example.org") == 0);
  CHECK(links("http://a.example/www.b.example") == 1);
  CHECK(links("1 http://a.example 2 http://b.example 3 http://c.example") == 3);
}

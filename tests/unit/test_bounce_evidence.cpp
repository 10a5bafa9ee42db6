// Bounces of mail spamgate never sent: telling the site's own account
// (Received chain naming the SMTP host, the site's DKIM signature added
// there) from a forged address, on the real report shapes of
// ../shared/corpus/bounces and crafted ones; how the alert quotes the
// bounce (labelled, cut, cleaned, defanged); and the log's forged count.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "bounce/bounce_alert.h"
#include "bounce/bounce_evidence.h"
#include "bounce/bounce_log.h"
#include "bounce/bounce_report.h"
#include "support/temp_dir.h"
#include "util/untrusted_text.h"

using namespace spamgate;
using spamgate::testing::read_file;
using spamgate::testing::TempStore;

namespace {

std::string corpus(const std::string& name) {
  return read_file(SPAMGATE_CORPUS_DIR "/bounces/" + name);
}

// A DSN for a message the site never queued, returned whole (message/rfc822) with `returned_headers`.
std::string returned_bounce(const std::string& returned_headers, const std::string& subject = "Cheap pills") {
  return "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: notify@blog.test\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
         "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
         "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
         "Final-Recipient: rfc822; victim@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
         "Diagnostic-Code: smtp; 550 5.1.1 <victim@example.org>: User unknown\r\n\r\n"
         "--B\r\nContent-Type: message/rfc822\r\n\r\n" + returned_headers +
         "From: notify@blog.test\r\nTo: victim@example.org\r\nSubject: " + subject +
         "\r\nMessage-ID: <forged-1@blog.test>\r\n\r\nBuy now.\r\n--B--\r\n";
}

const char* kReceivedByHost =
    "Received: from [198.51.100.9] (unknown [198.51.100.9])\r\n"
    "\t(Authenticated sender: notify@blog.test)\r\n\tby smtp.mailhost.example (Postfix) with ESMTPSA id 4F1;\r\n"
    "\tMon, 7 Dec 2026 01:00:00 +0000\r\n";
const char* kDkimBlog = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=Blog.Test; s=mail;\r\n"
                        "\th=from:to:subject; bh=AAAA; b=BBBB\r\n";

}  // namespace

TEST_CASE("a returned message's Received and DKIM-Signature fields are read, top first, from the corpus and crafted reports") {
  const BounceReport sendmail = parse_bounce(corpus("rfc3464-01.eml"));
  REQUIRE(sendmail.original_trace.size() == 1);
  CHECK(sendmail.original_trace[0].rfind("received: from [192.0.2.25]", 0) == 0);
  CHECK(sendmail.original_trace[0].find("by smtpgw.example.jp (V8/cf)") != std::string::npos);
  CHECK(sendmail.original_subject == "バウンスメールのテスト(日");  // the corpus message cut it there

  const BounceReport crafted = parse_bounce(returned_bounce(std::string(kDkimBlog) + kReceivedByHost));
  REQUIRE(crafted.original_trace.size() == 2);
  CHECK(crafted.original_trace[0].rfind("dkim-signature: v=1;", 0) == 0);
  CHECK(crafted.original_trace[1].rfind("received: from [198.51.100.9]", 0) == 0);
  CHECK(crafted.original_message_id == "forged-1@blog.test");
}

TEST_CASE("the site's account: a Received chain naming the configured SMTP host is evidence, another host is none") {
  const BounceReport sendmail = parse_bounce(corpus("rfc3464-01.eml"));
  CHECK(own_account_evidence(sendmail.original_trace, smtp_url_host("smtp://SMTPGW.example.jp:587"), "example.org") ==
        "a Received header names smtpgw.example.jp");
  CHECK(own_account_evidence(sendmail.original_trace, "smtp.example.jp", "example.org").empty());
  CHECK(own_account_evidence(sendmail.original_trace, "gw.example.jp", "example.org").empty());  // part of a name
  CHECK(own_account_evidence(sendmail.original_trace, "", "example.org").empty());

  for (const char* file : {"lhost-gmail-01.eml", "rhost-aol-01.eml", "lhost-postfix-01.eml"}) {
    if (!std::filesystem::exists(SPAMGATE_CORPUS_DIR "/bounces/" + std::string(file))) continue;
    const BounceReport r = parse_bounce(corpus(file));
    CAPTURE(file);
    CHECK(own_account_evidence(r.original_trace, "smtp.blog.test", "blog.test").empty());
  }
}

TEST_CASE("the site's account: its DKIM domain under a Received added by the SMTP host") {
  const std::string host = smtp_url_host("smtps://user@smtp.mailhost.example:465");
  CHECK(host == "smtp.mailhost.example");
  const BounceReport signed_there = parse_bounce(returned_bounce(std::string(kReceivedByHost) + kDkimBlog));
  CHECK(own_account_evidence(signed_there.original_trace, host, "blog.test") ==
        "DKIM-Signature d=blog.test under a Received header added by smtp.mailhost.example");

  // The site's signature with no Received from its host above it: a forger's copy, no evidence.
  const BounceReport copied = parse_bounce(returned_bounce(
      std::string("Received: from evil.example by mx.evil.example; Mon, 7 Dec 2026 01:00:00 +0000\r\n") + kDkimBlog));
  CHECK(own_account_evidence(copied.original_trace, host, "blog.test").empty());
  // Another domain's signature: only the Received counts.
  const BounceReport other = parse_bounce(
      returned_bounce("DKIM-Signature: v=1; d=evil.example; s=x; b=C\r\n" + std::string(kReceivedByHost)));
  CHECK(own_account_evidence(other.original_trace, host, "blog.test") ==
        "a Received header names smtp.mailhost.example");
  CHECK(smtp_url_host("smtp://[::1]:2525") == "::1");
  CHECK(smtp_url_host("not a url").empty());
}

TEST_CASE("a forged address: no Received from the SMTP host and no signature of the site is no evidence") {
  const BounceReport forged = parse_bounce(returned_bounce(
      "Received: from botnet.example ([203.0.113.5]) by mx.example.net; Mon, 7 Dec 2026 01:00:00 +0000\r\n"));
  CHECK(forged.kind == MessageKind::bounce);
  CHECK(own_account_evidence(forged.original_trace, "smtp.mailhost.example", "blog.test").empty());
  // Headers only (text/rfc822-headers) read the same.
  const std::string headers_only =
      "From: MAILER-DAEMON@mx.example.net\r\nTo: notify@blog.test\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
      "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
      "Final-Recipient: rfc822; victim@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
      "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" + std::string(kReceivedByHost) +
      "From: notify@blog.test\r\nMessage-ID: <x@blog.test>\r\n\r\n--B--\r\n";
  CHECK(own_account_evidence(parse_bounce(headers_only).original_trace, "smtp.mailhost.example", "blog.test") ==
        "a Received header names smtp.mailhost.example");
}

TEST_CASE("untrusted text is one line, cut, without control or bidi characters, Japanese kept, links defanged") {
  CHECK(defanged("Visit https://evil.example.com/login or HTTP://x.jp, mail admin@blog.test") ==
        "Visit hxxps://evil[.]example[.]com/login or hxxp://x[.]jp, mail admin@blog[.]test");
  CHECK(defanged("status 5.1.1 from 192.0.2.1") == "status 5.1.1 from 192.0.2.1");
  CHECK(quoted_untrusted("line one\r\nline\ttwo\x1b[31m", 100) == "line one line two [31m");
  CHECK(quoted_untrusted("abc\u202Egnp.exe\u2066x\u2069\u200B", 100) == "abcgnp[.]exex");
  CHECK(quoted_untrusted("お支払い情報を更新してください：www.evil.example", 100) ==
        "お支払い情報を更新してください：www[.]evil[.]example");
  CHECK(quoted_untrusted("日本語のテキスト", 3) == "日本語\u2026");
  CHECK(quoted_untrusted(std::string("bad \xff byte"), 100) == "bad \uFFFD byte");
  // Only the part shown is read: a long body cut early, ill-formed bytes past the cut unseen.
  CHECK(quoted_untrusted(std::string("最初の言葉 \xc3") + std::string(100000, 'x'), 5) == "最初の言葉\u2026");
  CHECK(quoted_untrusted(std::string("\xe3\x81"), 10) == "\uFFFD\uFFFD");
  CHECK(quoted_untrusted("\u0085next\u2028line", 100) == "next line");
}

TEST_CASE("the hijacked-account alert labels the quoted bounce, defangs and cuts it, and names the evidence") {
  Config config;
  config.mail.from_address = "notify@blog.test";
  config.mail.username = "notify@blog.test";
  config.mail.smtp_url = "smtp://smtp.mailhost.example:587";
  BounceRow row;
  row.origin = "foreign";
  row.evidence = "a Received header names smtp.mailhost.example";
  row.original_from = "Support <support@blog.test>";
  row.original_subject = "アカウント確認: https://evil.example.com/verify?id=1\u202E\r\nBcc: x@y.z " + std::string(400, 'A');
  row.original_message_id = "forged-1@blog.test";
  row.recipient = "victim@example.org";
  row.reporting_mta = "mx.example.net";
  row.status = "5.1.1";
  row.diagnostic = "550 visit http://phish.example/login to restore your mailbox";
  const std::string body = hijack_alert_text(config, row);
  CHECK(body.find("a Received header names smtp.mailhost.example") != std::string::npos);
  CHECK(body.find("Change the SMTP password of notify@blog.test") != std::string::npos);
  CHECK(body.find("QUOTED FROM THE BOUNCE, NOT CHECKED") != std::string::npos);
  CHECK(body.find("  | Subject:    アカウント確認: hxxps://evil[.]example[.]com/verify?id=1 Bcc: x@y[.]z AAA") !=
        std::string::npos);
  CHECK(body.find("  | Reason:     5.1.1 550 visit hxxp://phish[.]example/login to restore your mailbox") !=
        std::string::npos);
  CHECK(body.find("  | Refused by: mx[.]example[.]net") != std::string::npos);
  CHECK(body.find("http://") == std::string::npos);
  CHECK(body.find("https://") == std::string::npos);
  CHECK(body.find("evil.example") == std::string::npos);
  CHECK(body.find("\u202E") == std::string::npos);
  CHECK(body.find("\r") == std::string::npos);
  CHECK(body.find(std::string(201, 'A')) == std::string::npos);  // cut
  CHECK(body.find("\u2026") != std::string::npos);
  // Every line that carries the bounce's words is a quoted line.
  CHECK(body.find("\nBcc:") == std::string::npos);
}

TEST_CASE("the bounce log keeps a foreign row's evidence and counts the forged ones apart") {
  TempStore store;
  auto log = BounceLog::open(store.store_path());
  REQUIRE(log);
  const BounceReport report = parse_bounce(returned_bounce(kReceivedByHost));
  REQUIRE(report.original_message_id == "forged-1@blog.test");
  Result<BounceRow> hijack = (*log)->record(report, "digest-1", 1000, "a Received header names smtp.mailhost.example");
  REQUIRE(hijack);
  CHECK(hijack->origin == "foreign");
  CHECK_FALSE(hijack->forged());
  Result<BounceRow> forged = (*log)->record(report, "digest-2", 1001, "");
  REQUIRE(forged);
  CHECK(forged->forged());
  CHECK(*(*log)->count("foreign", 0) == 2);
  CHECK(*(*log)->count_forged(0) == 1);
  CHECK(*(*log)->count_forged(1002) == 0);
  Result<std::vector<BounceRow>> rows = (*log)->recent(10);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].forged());
  CHECK((*rows)[1].evidence == "a Received header names smtp.mailhost.example");
}

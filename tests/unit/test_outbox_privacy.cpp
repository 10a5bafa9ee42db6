// The outbox's part in privacy requests and retention: the mail that
// mentions an address is found (export) and deleted (erase), whatever its
// status, digests folding it included; sent mail is purged after
// [mail] keep_sent_days (serve runs the purge hourly).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "mail/outbox.h"
#include "support/temp_dir.h"
#include "util/clock.h"

using namespace spamgate;
using spamgate::testing::TempStore;

namespace {

MailMessage contact_from(const std::string& address, const std::string& text) {
  MailMessage m;
  m.envelope_from = "notify@blog.test";
  m.recipients = {"owner@blog.test"};
  m.data = "From: Blog <notify@blog.test>\r\nTo: owner@blog.test\r\nReply-To: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <" +
           address + ">\r\nSubject: Contact\r\n\r\n" + text + "\r\n";
  return m;
}

}  // namespace

TEST_CASE("outbox: the mail that mentions an address is exported and erased, case-insensitively") {
  TempStore tmp;
  ManualClock clock;
  auto outbox = Outbox::open(tmp.store_path(), clock, BackoffPolicy{});
  REQUIRE(outbox.ok());
  Outbox& box = **outbox;
  const auto taro = box.enqueue(OutboxKind::contact, contact_from("Taro@Example.jp", "お見積もりをお願いします"),
                                "Contact", "Email: Taro@Example.jp");
  const auto other = box.enqueue(OutboxKind::contact, contact_from("hanako@example.jp", "こんにちは"), "Contact", "");
  const auto notice = box.enqueue(OutboxKind::notification, contact_from("owner@blog.test", "taro@example.jp replied"),
                                  "New comment", "");
  REQUIRE(taro.ok());
  REQUIRE(other.ok());
  REQUIRE(notice.ok());
  auto claimed = box.claim_due(10);
  REQUIRE(claimed.ok());
  REQUIRE(box.mark_sent(*taro, "250 OK").ok());

  auto found = box.mentioning("taro@example.jp", 100);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  CHECK(found->at(1).id == *taro);  // newest first: the notification was queued last
  CHECK(found->at(1).status == OutboxStatus::sent);
  CHECK(found->at(1).message.data.find("お見積もり") != std::string::npos);

  auto erased = box.erase_mentioning("TARO@example.jp");
  REQUIRE(erased.ok());
  CHECK(*erased == 2);
  CHECK(box.mentioning("taro@example.jp", 100)->empty());
  CHECK(box.get(*other).ok());  // someone else's message stays
  CHECK(*box.erase_mentioning("") == 0);
}

TEST_CASE("outbox: sent mail older than keep_sent_days is purged; queued and failed mail stay") {
  TempStore tmp;
  ManualClock clock;
  auto outbox = Outbox::open(tmp.store_path(), clock, BackoffPolicy{});
  REQUIRE(outbox.ok());
  Outbox& box = **outbox;
  const auto sent = box.enqueue(OutboxKind::contact, contact_from("a@example.org", "x"), "Contact", "");
  REQUIRE(box.claim_due(10).ok());
  REQUIRE(box.mark_sent(*sent, "250 OK").ok());
  const auto queued = box.enqueue(OutboxKind::contact, contact_from("b@example.org", "y"), "Contact", "");
  clock.advance(std::chrono::hours(24 * 29));
  CHECK(*box.purge(30, false) == 0);
  clock.advance(std::chrono::hours(25));
  CHECK(*box.purge(30, false) == 1);
  CHECK_FALSE(box.get(*sent).ok());
  CHECK(box.get(*queued).ok());
}

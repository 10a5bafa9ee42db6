// Notifier: contact messages and notify requests become outbox messages to
// configured recipients only; the shared-secret check.
#include <doctest/doctest.h>

#include "mail/notifier.h"
#include "mail/outbox.h"
#include "outbox_test_support.h"
#include "support/mail_decode.h"
#include "support/mail_read.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempStore;

namespace {

struct Rig {
  Rig() {
    Result<std::unique_ptr<Outbox>> o = Outbox::open(tmp.store_path(), clock, BackoffPolicy{});
    REQUIRE_MESSAGE(o.ok(), o.error());
    outbox = std::move(*o);
    notifier = std::make_unique<Notifier>(config, *outbox, clock, [this] { ++wakes; });
  }
  OutboxRow row(const QueueResult& q) {
    REQUIRE_MESSAGE(q.ok(), q.reason);
    Result<OutboxRow> r = outbox->get(q.id);
    REQUIRE(r.ok());
    return *r;
  }
  int64_t rows() { return *outbox->count(OutboxStatus::queued); }

  TempStore tmp;
  ManualClock clock;
  Config config = testing::blog_mail_config();
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<Notifier> notifier;
  int wakes = 0;
};

Submission contact(std::string email, std::string subject) {
  Submission s;
  s.kind = SubmissionKind::contact;
  s.author = "Jane Doe";
  s.email = std::move(email);
  s.subject = std::move(subject);
  s.body = "Hello,\nI liked your post.";
  s.ip = "203.0.113.7";
  s.user_agent = "Mozilla/5.0";
  s.endpoint = "/contact";
  s.raw_form = {{"name", s.author}, {"email", s.email}, {"subject", s.subject}, {"message", s.body},
                {"phone", "555-0100"}, {"sg_website", ""}, {"sg_token", "123.abc"}};
  return s;
}

// The decoded body with LF line ends.
std::string body(const OutboxRow& r) {
  std::string text = testing::decode_quoted_printable(testing::message_body(r.message.data));
  for (size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at)) text.erase(at, 1);
  return text;
}

}  // namespace

TEST_CASE("notifier: a contact goes to the owners with the submitter in Reply-To, never as a recipient") {
  Rig rig;
  const OutboxRow r = rig.row(rig.notifier->queue_contact(contact("jane@example.org", "Question"), "req-42"));
  CHECK(r.kind == OutboxKind::contact);
  CHECK(r.message.recipients == std::vector<std::string>{"owner@blog.test"});
  CHECK(r.message.envelope_from == "notify@blog.test");
  CHECK(testing::field_value(r.message.data, "To") == "owner@blog.test");
  CHECK(testing::field_value(r.message.data, "Reply-To") == "\"Jane Doe\" <jane@example.org>");
  CHECK(testing::field_value(r.message.data, "Subject") == "[blog.test] Contact: Question");
  CHECK(r.subject == "[blog.test] Contact: Question");
  CHECK(testing::field_count(r.message.data, "Cc") == 0);
  CHECK(testing::field_count(r.message.data, "Bcc") == 0);
  const std::string text = body(r);
  CHECK(text.find("Name: Jane Doe\n") != std::string::npos);
  CHECK(text.find("Email: jane@example.org\n") != std::string::npos);
  CHECK(text.find("phone: 555-0100\n") != std::string::npos);
  CHECK(text.find("sg_token") == std::string::npos);
  CHECK(text.find("I liked your post.") != std::string::npos);
  CHECK(text.find("IP: 203.0.113.7\n") != std::string::npos);
  CHECK(text.find("Request id: req-42\n") != std::string::npos);
  CHECK(r.preview == "From: Jane Doe <jane@example.org>\nHello,\nI liked your post.");
  CHECK(rig.wakes == 1);
}

TEST_CASE("notifier: an invalid submitter address means no Reply-To, and the body says so") {
  Rig rig;
  for (const char* bad : {"not an address", "a@b.c, evil@example.com", "-opt@example.com", "x@example.com\r\nBcc: y@z.com"}) {
    const OutboxRow r = rig.row(rig.notifier->queue_contact(contact(bad, "Hi"), "r"));
    CHECK(testing::field_count(r.message.data, "Reply-To") == 0);
    CHECK(r.message.recipients == std::vector<std::string>{"owner@blog.test"});
    CHECK(body(r).find("no Reply-To was set") != std::string::npos);
    CHECK(testing::field_count(r.message.data, "Bcc") == 0);
  }
}

TEST_CASE("notifier: a contact with an unsafe subject is still delivered, with the subject withheld and shown escaped") {
  Rig rig;
  const OutboxRow r =
      rig.row(rig.notifier->queue_contact(contact("jane@example.org", "Hi\r\nBcc: victim@example.com"), "r"));
  CHECK(testing::field_value(r.message.data, "Subject") ==
        "[blog.test] Contact form message (subject withheld: unsafe characters)");
  CHECK(testing::field_count(r.message.data, "Bcc") == 0);
  CHECK(r.message.recipients == std::vector<std::string>{"owner@blog.test"});
  const std::string text = body(r);
  CHECK(text.find("Subject: Hi\\r\\nBcc: victim@example.com\n") != std::string::npos);
  CHECK(text.find("withheld from the mail's subject") != std::string::npos);
  // An encoded-word in the name keeps the name out of Reply-To but keeps the address.
  Submission s = contact("jane@example.org", "Fine");
  s.author = "=?UTF-8?B?RXZpbA==?=";
  const OutboxRow named = rig.row(rig.notifier->queue_contact(s, "r"));
  CHECK(testing::field_value(named.message.data, "Reply-To") == "jane@example.org");
}

TEST_CASE("notifier: a notification goes to the owners, or to an allowlisted recipient; anyone else is refused") {
  Rig rig;
  const OutboxRow to_owners = rig.row(rig.notifier->queue_notification({"[Blog] New comment", "Text", std::nullopt, std::nullopt}));
  CHECK(to_owners.kind == OutboxKind::notification);
  CHECK(to_owners.message.recipients == std::vector<std::string>{"owner@blog.test"});
  CHECK(testing::field_value(to_owners.message.data, "Subject") == "[Blog] New comment");

  const OutboxRow to_editor =
      rig.row(rig.notifier->queue_notification({"Note", "Text", "jane@example.org", std::string("Editor@Blog.Test")}));
  CHECK(to_editor.message.recipients == std::vector<std::string>{"editor@blog.test"});  // the configured spelling
  CHECK(testing::field_value(to_editor.message.data, "Reply-To") == "jane@example.org");

  const int64_t before = rig.rows();
  for (const char* outsider : {"jane@example.org", "owner@blog.test.evil.com", "owner@blog.test, x@evil.com", ""}) {
    QueueResult refused = rig.notifier->queue_notification({"Note", "Text", std::nullopt, std::string(outsider)});
    CHECK(refused.failure == QueueFailure::recipient_not_allowed);
    CHECK_FALSE(refused.ok());
  }
  CHECK(rig.rows() == before);
  CHECK(rig.notifier->queue_notification({"", "", std::nullopt, std::nullopt}).failure == QueueFailure::bad_request);
}

TEST_CASE("notifier: a notification's bad Reply-To is dropped with a note; an unsafe subject is withheld") {
  Rig rig;
  const OutboxRow r = rig.row(
      rig.notifier->queue_notification({"Hi\nBcc: a@b.c", "Body text", std::string("x@y.z\r\nCc: c@d.e"), std::nullopt}));
  CHECK(testing::field_count(r.message.data, "Reply-To") == 0);
  CHECK(testing::field_count(r.message.data, "Cc") == 0);
  CHECK(testing::field_value(r.message.data, "Subject") ==
        "[blog.test] Notification (subject withheld: unsafe characters)");
  const std::string text = body(r);
  CHECK(text.find("Body text") == 0);
  CHECK(text.find("Reply-To dropped") != std::string::npos);
  CHECK(text.find("Hi\\nBcc: a@b.c") != std::string::npos);
}

TEST_CASE("notifier: without owners there is nobody to deliver to, and nothing is queued") {
  Rig rig;
  rig.config.mail.owners.clear();
  CHECK(rig.notifier->queue_contact(contact("jane@example.org", "Hi"), "r").failure == QueueFailure::unavailable);
  CHECK(rig.notifier->queue_notification({"s", "t", std::nullopt, std::nullopt}).failure == QueueFailure::unavailable);
  CHECK(rig.rows() == 0);
}

TEST_CASE("check_shared_secret compares whole values and never matches an empty secret") {
  const std::string secret = "s3cret-value-0123456789";
  CHECK(check_shared_secret(secret, secret));
  CHECK(check_shared_secret(std::string(secret), std::string_view(secret.data(), secret.size())));
  CHECK_FALSE(check_shared_secret("s3cret-value-012345678", secret));    // prefix
  CHECK_FALSE(check_shared_secret(secret + "0", secret));                // longer
  CHECK_FALSE(check_shared_secret("S3cret-value-0123456789", secret));   // one byte differs
  CHECK_FALSE(check_shared_secret("", secret));
  CHECK_FALSE(check_shared_secret("", ""));
  CHECK_FALSE(check_shared_secret("anything", ""));
  CHECK(check_shared_secret(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(check_shared_secret(std::string("a\0b", 3), std::string("a\0c", 3)));
}

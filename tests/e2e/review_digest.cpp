// The owner's review by mail, end to end through the running `spamgate
// serve` and a real SMTP server (STARTTLS + AUTH) on 127.0.0.1: the review
// digest arrives once a period with the right counts, across restarts; a
// held contact message rescued through the review API reaches the owners
// exactly once, however often it is rescued.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "contact_mail_site.h"
#include "support/site_rules.h"

using namespace harness;
using namespace contact_mail;
using namespace std::chrono_literals;

namespace {

const std::string kDigestSubject = "spamgate digest";

std::vector<RecordedMessage> digests(const SmtpServer& smtp) {
  std::vector<RecordedMessage> out;
  for (const RecordedMessage& m : smtp.messages())
    if (decode_words(header_value(header_fields(m.data), "Subject")).find(kDigestSubject) != std::string::npos)
      out.push_back(m);
  return out;
}

HttpResponse api(const MailStack& stack, const std::string& method, const std::string& path, const std::string& body = "") {
  HttpRequest request;
  request.method = method;
  request.url = stack.url(path);
  request.headers = {"Authorization: Bearer " + kSharedSecret, "Content-Type: application/json"};
  request.body = body;
  return http(request);
}

// Rows in the outbox: what was queued to be mailed, sent or not yet.
std::string outbox_rows(const MailStack& stack, const std::string& where = "1") {
  return sqlite_query(stack.spamgate->database_path(), "SELECT count(*) FROM outbox WHERE " + where);
}
const std::string kDigestRows = "subject LIKE '%" + kDigestSubject + "%'";

// True once `more` further digest checks have begun (digest_check_seconds = 1), so every earlier one is over.
bool digest_checks_pass(const MailStack& stack, int more) {
  auto checks = [&] { return metric(http_get(stack.url("/spamgate/metrics")).body, "spamgate_review_digest_checks_total"); };
  const double from = checks();
  return eventually([&] { return checks() >= from + more; }, 15s);
}

}  // namespace

TEST_CASE("one digest a period reaches the owners with the counts by action and the top reason, across restarts") {
  MailStack stack({}, spamgate::testing::kTestRules);
  for (int i = 0; i < 40; ++i)
    CHECK(stack.post_raw("/contact", contact_body("Bot " + std::to_string(i), "bot@spam.example", "offer",
                                                  "spamword number " + std::to_string(i))).status == 403);
  for (int i = 0; i < 3; ++i)
    CHECK(stack.post_raw("/contact", contact_body("Maybe", "maybe@example.org", "question",
                                                  "holdword " + std::to_string(i))).status == 200);
  REQUIRE(stack.smtp.messages().empty());  // nothing passed, so nothing was mailed yet

  // The owner turns the digest on.
  stack.spamgate->stop();
  std::ofstream(stack.spamgate->config_path(), std::ios::app)
      << "\n[review]\ndigest = \"daily\"\ndigest_check_seconds = 1\n"
         "screen_url = \"https://blog.test/wp-admin/edit-comments.php?page=spamgate-blocked\"\n";
  REQUIRE(stack.spamgate->restart());
  REQUIRE_MESSAGE(stack.spamgate->wait_until_listening(), stack.spamgate->log());
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(1, 20s), stack.spamgate->log());
  // Two more checks after the digest (the counter counts checks begun): none is due, nothing more queued.
  REQUIRE(digest_checks_pass(stack, 2));
  CHECK(outbox_rows(stack, kDigestRows) == "1");
  REQUIRE(stack.spamgate->restart());
  REQUIRE(stack.spamgate->wait_until_listening());
  REQUIRE(digest_checks_pass(stack, 2));  // the restarted process checked too
  CHECK(outbox_rows(stack, kDigestRows) == "1");

  const std::vector<RecordedMessage> sent = digests(stack.smtp);
  REQUIRE_MESSAGE(sent.size() == 1, stack.spamgate->log());
  CHECK(stack.smtp.messages().size() == 1);
  const auto fields = check_envelope_and_headers(sent[0], kOwners);  // the owners only, never a submitter
  CHECK(decode_words(header_value(fields, "Subject")).find("43 blocked") != std::string::npos);
  const std::string body = decode_quoted_printable(message_body(sent[0].data));
  CHECK(body.find("  held       3\r\n") != std::string::npos);
  CHECK(body.find("  rejected   40\r\n") != std::string::npos);
  CHECK(body.find("  discarded  0\r\n") != std::string::npos);
  CHECK(body.find("40    TEST_SPAM") != std::string::npos);
  CHECK(body.find("page=spamgate-blocked") != std::string::npos);
  // One address keeps 20 blocked texts an hour ([review] keep_per_client_hour):
  // the counts above hold all 40, the newest listed with its text is Bot 19.
  CHECK(body.find("Bot 19 <bot@spam.example>") != std::string::npos);
  CHECK(body.find("Bot 39 <bot@spam.example>") == std::string::npos);
  CHECK(body.find("... and 0 more") == std::string::npos);
  CHECK(sqlite_query(stack.spamgate->database_path(), "SELECT count(*) FROM mail_state WHERE key = 'review_digest_at'") ==
        "1");
}

TEST_CASE("a held contact message rescued as not spam reaches the owners once, and the decision is stored") {
  MailStack stack({}, spamgate::testing::kTestRules);
  // A field the form adds beyond name, e-mail, subject and message: the
  // rescued mail carries it as the live one would have.
  CHECK(stack.post_raw("/contact", contact_body("Rita", "rita@example.org", "a real question",
                                                "holdword: do you ship to Norway? token-rescue") +
                                       "&" + form_body({{"company", "株式会社ノルウェー token-company"}}))
            .status == 200);
  std::string id;
  REQUIRE(eventually([&] {
    const auto json = nlohmann::json::parse(api(stack, "GET", "/spamgate/submissions?kind=contact").body, nullptr, false);
    if (json.value("total", 0) == 1) id = json["items"][0]["id"];
    return !id.empty();
  }));
  REQUIRE(stack.smtp.messages().empty());  // held: not mailed

  const HttpResponse rescued = api(stack, "POST", "/spamgate/submissions/" + id + "/decision", R"({"decision":"ham"})");
  REQUIRE_MESSAGE(rescued.status == 200, rescued.body);
  CHECK(nlohmann::json::parse(rescued.body)["mailed"] == true);
  CHECK(api(stack, "POST", "/spamgate/submissions/" + id + "/decision", R"({"decision":"spam"})").status == 200);
  const HttpResponse again = api(stack, "POST", "/spamgate/submissions/" + id + "/decision", R"({"decision":"ham"})");
  CHECK(nlohmann::json::parse(again.body)["mailed"] == false);
  REQUIRE_MESSAGE(stack.smtp.wait_for_messages(1), stack.spamgate->log());
  // A rescue queues its mail before it answers: one row is all there will be.
  CHECK(outbox_rows(stack) == "1");
  REQUIRE(stack.smtp.messages().size() == 1);
  const RecordedMessage m = stack.smtp.messages()[0];
  const auto fields = check_envelope_and_headers(m, kOwners);
  CHECK(decode_words(header_value(fields, "Subject")) == "[blog.test] Contact: a real question");
  CHECK(holds_token(m, "token-rescue"));
  CHECK(decode_quoted_printable(message_body(m.data)).find("company: 株式会社ノルウェー token-company") != std::string::npos);
  CHECK(sqlite_query(stack.spamgate->database_path(), "SELECT decision FROM submissions WHERE id = '" + id + "'") == "ham");
  CHECK(sqlite_query(stack.spamgate->database_path(), "SELECT count(*) FROM feedback WHERE submission_id = '" + id + "'") ==
        "3");
  CHECK(api(stack, "GET", "/spamgate/submissions?kind=contact").body.find(id) == std::string::npos);
}

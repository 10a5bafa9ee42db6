#include <doctest/doctest.h>

#include <string>

#include "form/submission_builder.h"

using spamgate::build_submission;
using spamgate::ClientInfo;
using spamgate::FormFields;
using spamgate::LimitsConfig;
using spamgate::Submission;
using spamgate::SubmissionKind;
using spamgate::submission_from_check_input;
using spamgate::submission_from_json;

TEST_CASE("build_submission: a comment form maps author, email, url and comment; the rest stays in raw_form") {
  const FormFields fields{{"author", "Jane"}, {"email", "jane@example.com"}, {"url", "https://jane.example"},
                          {"comment", "Nice post"}, {"comment_post_ID", "42"}, {"subject", "ignored for comments"}};
  const Submission s = build_submission(SubmissionKind::comment, fields,
                                        ClientInfo{"203.0.113.7", "Mozilla/5.0", "https://blog.example/p/42",
                                                   "/wp-comments-post.php"});
  CHECK(s.kind == SubmissionKind::comment);
  CHECK(s.author == "Jane");
  CHECK(s.email == "jane@example.com");
  CHECK(s.url == "https://jane.example");
  CHECK(s.body == "Nice post");
  CHECK(s.subject.empty());
  CHECK(s.ip == "203.0.113.7");
  CHECK(s.user_agent == "Mozilla/5.0");
  CHECK(s.referer == "https://blog.example/p/42");
  CHECK(s.endpoint == "/wp-comments-post.php");
  CHECK(s.raw_form == fields);
  REQUIRE(s.field("comment_post_ID"));
  CHECK(*s.field("comment_post_ID") == "42");
}

TEST_CASE("build_submission: a contact form maps name, email, subject and message") {
  const Submission s = build_submission(
      SubmissionKind::contact,
      {{"name", "Bob"}, {"email", "bob@example.com"}, {"subject", "Hello"}, {"message", "Call me"}, {"url", "x"}}, {});
  CHECK(s.kind == SubmissionKind::contact);
  CHECK(s.author == "Bob");
  CHECK(s.email == "bob@example.com");
  CHECK(s.subject == "Hello");
  CHECK(s.body == "Call me");
  CHECK(s.url.empty());
  CHECK(s.ip.empty());
}

TEST_CASE("build_submission: fields are read as PHP's $_POST reads them (last wins, leading spaces ignored)") {
  // WordPress would store "buy pills": scoring must see the same text.
  CHECK(build_submission(SubmissionKind::comment, {{"comment", "hello"}, {"comment", "buy pills"}}, {}).body == "buy pills");
  CHECK(build_submission(SubmissionKind::comment, {{"comment", "hello"}, {"  comment", "buy pills"}}, {}).body ==
        "buy pills");
  CHECK(build_submission(SubmissionKind::comment, {{"comment[]", "x"}, {"comment.", "y"}}, {}).body.empty());
  CHECK(build_submission(SubmissionKind::comment, {}, {}).body.empty());
}

TEST_CASE("submission_from_json: every member, fields mapped and then overridden by explicit members") {
  const auto result = submission_from_json(R"({
      "kind": "contact", "author": "Eve", "ip": "198.51.100.9", "user_agent": "curl/8", "referer": "r",
      "endpoint": "/contact", "url": "https://eve.example",
      "fields": {"name": "ignored", "message": "from fields", "subject": "Hi", "sg_website": ""}})",
                                           {});
  REQUIRE(result.ok());
  const Submission& s = *result;
  CHECK(s.kind == SubmissionKind::contact);
  CHECK(s.author == "Eve");
  CHECK(s.body == "from fields");
  CHECK(s.subject == "Hi");
  CHECK(s.url == "https://eve.example");
  CHECK(s.ip == "198.51.100.9");
  CHECK(s.user_agent == "curl/8");
  CHECK(s.referer == "r");
  CHECK(s.endpoint == "/contact");
  CHECK(s.raw_form == FormFields{{"name", "ignored"}, {"message", "from fields"}, {"subject", "Hi"}, {"sg_website", ""}});
  const auto minimal = submission_from_json(R"({"body": "just text"})", {});
  REQUIRE(minimal.ok());
  CHECK(minimal->kind == SubmissionKind::comment);
  CHECK(minimal->body == "just text");
}

TEST_CASE("submission_from_json: bad input is a one-line error") {
  const auto broken = submission_from_json("{\"body\": \n", {});
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().rfind("invalid JSON: parse error at line 2", 0) == 0);
  CHECK(broken.error().find('\n') == std::string::npos);
  CHECK_FALSE(submission_from_json("{\"body\": \"\xC0\xAF\"}", {}).ok());  // invalid UTF-8 is a JSON error
  CHECK(submission_from_json("[1]", {}).error() == "check input must be a JSON object");
  CHECK(submission_from_json(R"({"bdy": "x"})", {}).error() == "unknown member bdy in check input");
  CHECK(submission_from_json(R"({"body": 3})", {}).error() == "\"body\" must be a string");
  CHECK(submission_from_json(R"({"kind": "pingback"})", {}).error() == "kind must be \"comment\" or \"contact\"");
  CHECK(submission_from_json(R"({"fields": [1]})", {}).error() == "\"fields\" must be an object of strings");
  CHECK(submission_from_json(R"({"fields": {"a": 1}})", {}).error() == "field a must be a string");
  CHECK(submission_from_json(R"({"fields": {"a\u0000b": "x"}})", {}).error() == "NUL byte in field name a\\x00b");
}

TEST_CASE("submission_from_json: the request limits apply") {
  LimitsConfig limits;
  limits.max_body_bytes = 40;
  limits.max_fields = 1;
  limits.max_field_bytes = 5;
  CHECK(submission_from_json(R"({"body": "12345"})", limits).ok());
  CHECK(submission_from_json(R"({"body": "123456"})", limits).error() == "\"body\" is longer than 5 bytes");
  CHECK(submission_from_json(R"({"fields": {"a": "1", "b": "2"}})", limits).error() == "more than 1 form fields");
  const std::string at_limit = R"({"body": "1"})" + std::string(27, ' ');  // 40 bytes
  CHECK(submission_from_json(at_limit, limits).ok());
  CHECK(submission_from_json(at_limit + " ", limits).error() == "check input is larger than 40 bytes");
}

TEST_CASE("submission_from_check_input: JSON or a form, by content type or by sniffing") {
  const auto json = submission_from_check_input("", "  \n{\"body\": \"hi\"}", {});
  REQUIRE(json.ok());
  CHECK(json->body == "hi");
  CHECK(submission_from_check_input("application/json; charset=utf-8", R"({"body": "x"})", {})->body == "x");

  const auto form = submission_from_check_input(
      "", "kind=contact&name=Bob&message=Hello+there&ip=192.0.2.1&user_agent=UA&referer=R&extra=1", {});
  REQUIRE(form.ok());
  CHECK(form->kind == SubmissionKind::contact);
  CHECK(form->author == "Bob");
  CHECK(form->body == "Hello there");
  CHECK(form->ip == "192.0.2.1");
  CHECK(form->user_agent == "UA");
  CHECK(form->referer == "R");
  CHECK(form->raw_form == FormFields{{"name", "Bob"}, {"message", "Hello there"}, {"extra", "1"}});

  CHECK(submission_from_check_input("", "comment=%G1", {}).error() == "malformed percent-encoding in field comment");
  CHECK(submission_from_check_input("", "kind=spam", {}).error() == "kind must be \"comment\" or \"contact\"");
  CHECK(submission_from_check_input("text/plain", "x", {}).error() ==
        "unsupported content type text/plain; expected application/x-www-form-urlencoded or multipart/form-data");
}

// Fuzzes a form plugin's request through the route table and the field
// mapping (issue 22). Input: the request URI on the first line, the
// Content-Type on the second ("" = urlencoded), the body after it; POSTed
// with the default config. Checks no crash, that a route is always found
// and the body decoded at most once, and for a form route: every mapped
// role is the value of a field the form sent (the body: its fields joined
// by blank lines), the stored content reads back with every field but
// passwords, and a JSON block answer parses.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "form/form_fields.h"
#include "form_invariants.h"
#include "http/form_answers.h"
#include "http/route_table.h"
#include "store/submission_record.h"
#include "util/ascii.h"

namespace {

bool is_field_value(const spamgate::Submission& s, const std::string& value) {
  if (value.empty()) return true;
  for (const auto& field : s.raw_form)
    if (field.second == value) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  const size_t second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  static const spamgate::Config config;
  static const spamgate::RouteTable table(config);
  const spamgate::LimitsConfig limits = fuzz::small_limits();

  spamgate::HttpRequest request;
  request.method = "POST";
  const std::string uri(input.substr(0, first));
  request.path = spamgate::path_of(uri);
  const size_t question = uri.find('?');
  request.content_type = std::string(input.substr(first + 1, second - first - 1));
  if (request.content_type.empty()) request.content_type = "application/x-www-form-urlencoded";
  request.body = std::string(input.substr(second + 1));
  request.params = {{"REQUEST_METHOD", "POST"},
                    {"DOCUMENT_URI", request.path},
                    {"REQUEST_URI", uri},
                    {"QUERY_STRING", question == std::string::npos ? "" : uri.substr(question + 1)}};
  spamgate::LazyForm form(request, limits);
  const spamgate::Route* route = table.match(request, form);
  spamgate::testing::require(route != nullptr, "every POST has a route");
  if (route->kind != spamgate::RouteKind::form) return 0;

  spamgate::FormResult& decoded = form.decoded();
  if (!decoded.ok()) return 0;
  fuzz::check_result(decoded, limits);
  spamgate::Submission submission;
  submission.kind = spamgate::SubmissionKind::form;
  submission.form_name = route->form->name;
  submission.form_id = spamgate::path_capture(*route, request);
  submission.raw_form = std::move(decoded.fields);
  spamgate::map_form_fields(submission, route->form->fields, route->form->meta, {"sg_token", "sg_website"});
  for (const std::string* role : {&submission.author, &submission.email, &submission.url, &submission.subject})
    spamgate::testing::require(is_field_value(submission, *role), "a mapped role is a field's value");

  const spamgate::SubmissionContent content =
      spamgate::read_submission_content(spamgate::submission_content_json(submission));
  spamgate::testing::require(content.form_name == submission.form_name, "the form's name is stored");
  size_t kept = 0;
  for (const auto& field : submission.raw_form)
    if (spamgate::ascii_lowercase(field.first).find("pass") == std::string::npos) ++kept;
  spamgate::testing::require(content.fields.size() == kept, "every field but passwords is stored");

  const spamgate::HttpResponse answer = spamgate::form_block_answer(
      *route->form, {submission.form_id, submission.field("_wpcf7_unit_tag") ? *submission.field("_wpcf7_unit_tag") : "",
                     "/"});
  if (answer.headers.front().second.find("json") != std::string::npos)
    spamgate::testing::require(!nlohmann::json::parse(answer.body, nullptr, false).is_discarded(), "a JSON answer parses");
  return 0;
}

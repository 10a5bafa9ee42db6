#include "http/form_answers.h"

#include <nlohmann/json.hpp>

#include "http/pages.h"

namespace spamgate {
namespace {

// CF7's contact_form_id is the form's number; anything else is 0.
int64_t numeric_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return 0;
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    id = id * 10 + (c - '0');
  }
  return id;
}

HttpResponse cf7_answer(const FormAnswerContext& context, const char* status, const std::string& message) {
  // Key order as CF7 5.7's create_feedback builds it.
  nlohmann::ordered_json body = {{"contact_form_id", numeric_id(context.form_id)},
                                 {"status", status},
                                 {"message", message},
                                 {"posted_data_hash", ""},
                                 {"into", "#" + sanitize_unit_tag(context.unit_tag)},
                                 {"invalid_fields", nlohmann::json::array()}};
  return HttpResponse::json(200, body);
}

std::string message_page(const FormSpec& form, const std::string& back_url) {
  const std::string message = html_escape(form.block_message);
  if (form.block == BlockFormat::login_page)
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Registration refused</title>"
           "<meta name=\"robots\" content=\"noindex\"></head>\n<body class=\"login\"><div id=\"login\">"
           "<div id=\"login_error\"><strong>Error:</strong> " + message + "</div>"
           "<p id=\"backtoblog\"><a href=\"/\">&larr; Go to the site</a></p></div></body></html>\n";
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not sent</title>"
         "<meta name=\"robots\" content=\"noindex\"></head>\n<body><div class=\"" + html_escape(form.block_class) +
         "\" role=\"alert\">" + message + "</div>\n<p><a href=\"" + html_escape(back_url) +
         "\">Back to the page</a></p></body></html>\n";
}

}  // namespace

std::string sanitize_unit_tag(const std::string& tag) {
  std::string out;
  for (char c : tag)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
      out += c;
  return out;
}

HttpResponse form_block_answer(const FormSpec& form, const FormAnswerContext& context) {
  switch (form.block) {
    case BlockFormat::cf7_json: return cf7_answer(context, "spam", form.block_message);
    case BlockFormat::wpforms_json: {
      nlohmann::json body = {{"success", false},
                             {"data", {{"errors", {{"general", {{"header", form.block_message}}}}}}}};
      return HttpResponse::json(200, body);
    }
    case BlockFormat::elementor_json: {
      nlohmann::json body = {{"success", false},
                             {"data", {{"message", form.block_message},
                                       {"errors", nlohmann::json::array()},
                                       {"data", nlohmann::json::array()}}}};
      return HttpResponse::json(200, body);
    }
    case BlockFormat::login_page: return HttpResponse::html(200, message_page(form, "/"));
    case BlockFormat::html_page: return HttpResponse::html(200, message_page(form, context.back_url));
  }
  return HttpResponse::html(200, message_page(form, context.back_url));
}

HttpResponse form_discard_answer(const FormSpec& form, const FormAnswerContext& context) {
  switch (form.block) {
    case BlockFormat::cf7_json: return cf7_answer(context, "mail_sent", form.success_message);
    case BlockFormat::wpforms_json:
      return HttpResponse::json(200, nlohmann::json{{"success", true},
                                                    {"data", {{"confirmation", form.success_message}}}});
    case BlockFormat::elementor_json:
      return HttpResponse::json(200, nlohmann::json{{"success", true},
                                                    {"data", {{"message", form.success_message},
                                                              {"data", nlohmann::json::array()}}}});
    case BlockFormat::login_page:
    case BlockFormat::html_page: break;
  }
  HttpResponse response = HttpResponse::redirect(context.back_url);
  response.status = 303;
  return response;
}

}  // namespace spamgate

#include "form/submission_builder.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "form/field_collector.h"
#include "form/form_decoder.h"
#include "util/ascii.h"
#include "util/json_text.h"

namespace spamgate {
namespace {

// The value PHP's $_POST[name] would hold: the last field whose name,
// without leading spaces, equals `name` (PHP also turns ' ', '.' and '['
// into '_', which no mapped name contains). Empty when absent.
std::string php_post_value(const FormFields& fields, std::string_view name) {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    std::string_view key = it->first;
    key.remove_prefix(std::min(key.find_first_not_of(' '), key.size()));
    if (key == name) return it->second;
  }
  return {};
}

std::optional<SubmissionKind> parse_kind(std::string_view text) {
  if (text == "comment") return SubmissionKind::comment;
  if (text == "contact") return SubmissionKind::contact;
  return std::nullopt;
}

const std::string kBadKind = "kind must be \"comment\" or \"contact\"";

}  // namespace

Submission build_submission(SubmissionKind kind, FormFields fields, ClientInfo client) {
  Submission submission;
  submission.kind = kind;
  submission.email = php_post_value(fields, "email");
  if (kind == SubmissionKind::comment) {
    submission.author = php_post_value(fields, "author");
    submission.url = php_post_value(fields, "url");
    submission.body = php_post_value(fields, "comment");
  } else {
    submission.author = php_post_value(fields, "name");
    submission.subject = php_post_value(fields, "subject");
    submission.body = php_post_value(fields, "message");
  }
  submission.ip = std::move(client.ip);
  submission.user_agent = std::move(client.user_agent);
  submission.referer = std::move(client.referer);
  submission.endpoint = std::move(client.endpoint);
  submission.raw_form = std::move(fields);
  return submission;
}

Result<Submission> submission_from_json(std::string_view json, const LimitsConfig& limits) {
  if (static_cast<int64_t>(json.size()) > limits.max_body_bytes)
    return Error{"check input is larger than " + std::to_string(limits.max_body_bytes) + " bytes"};
  Result<nlohmann::ordered_json> parsed = parse_json_body(json);
  if (!parsed) return Error{parsed.error()};
  const nlohmann::ordered_json& document = *parsed;
  if (!document.is_object()) return Error{"check input must be a JSON object"};

  static const char* const kTextMembers[] = {"author", "email", "url", "subject", "body",
                                             "ip", "user_agent", "referer", "endpoint"};
  SubmissionKind kind = SubmissionKind::comment;
  FieldCollector collector(limits, 16);
  for (const auto& [key, value] : document.items()) {
    if (key == "fields") {
      if (!value.is_object()) return Error{"\"fields\" must be an object of strings"};
      for (const auto& [name, field] : value.items()) {
        if (!field.is_string()) return Error{"field " + escape_for_reason(name) + " must be a string"};
        if (!collector.add(name, field.get<std::string>())) return Error{collector.error().reason};
      }
      continue;
    }
    const bool known = key == "kind" || std::find(std::begin(kTextMembers), std::end(kTextMembers), key) != std::end(kTextMembers);
    if (!known) return Error{"unknown member " + escape_for_reason(key) + " in check input"};
    if (!value.is_string()) return Error{"\"" + key + "\" must be a string"};
    if (static_cast<int64_t>(value.get_ref<const std::string&>().size()) > limits.max_field_bytes)
      return Error{"\"" + key + "\" is longer than " + std::to_string(limits.max_field_bytes) + " bytes"};
    if (key == "kind") {
      const auto parsed = parse_kind(value.get_ref<const std::string&>());
      if (!parsed) return Error{kBadKind};
      kind = *parsed;
    }
  }

  const auto text = [&](const char* member) -> std::optional<std::string> {
    const auto it = document.find(member);
    if (it == document.end()) return std::nullopt;
    return it->get<std::string>();
  };
  ClientInfo client{text("ip").value_or(""), text("user_agent").value_or(""), text("referer").value_or(""),
                    text("endpoint").value_or("")};
  Submission submission = build_submission(kind, collector.finish().fields, std::move(client));
  if (auto value = text("author")) submission.author = std::move(*value);
  if (auto value = text("email")) submission.email = std::move(*value);
  if (auto value = text("url")) submission.url = std::move(*value);
  if (auto value = text("subject")) submission.subject = std::move(*value);
  if (auto value = text("body")) submission.body = std::move(*value);
  return submission;
}

Result<Submission> submission_from_check_input(std::string_view content_type, std::string_view input,
                                               const LimitsConfig& limits) {
  const std::string_view media_type = trim_ows(content_type.substr(0, content_type.find(';')));
  const size_t first = input.find_first_not_of(" \t\r\n");
  const bool is_json = media_type.empty() ? first != std::string_view::npos && input[first] == '{'
                                          : ascii_iequals(media_type, "application/json");
  if (is_json) return submission_from_json(input, limits);

  FormResult form = decode_form(media_type.empty() ? "application/x-www-form-urlencoded" : content_type, input, limits);
  if (!form.ok()) return Error{form.error.reason};
  SubmissionKind kind = SubmissionKind::comment;
  ClientInfo client;
  FormFields fields;
  fields.reserve(form.fields.size());
  for (auto& [name, value] : form.fields) {
    if (name == "kind") {
      const auto parsed = parse_kind(value);
      if (!parsed) return Error{kBadKind};
      kind = *parsed;
    } else if (name == "ip") {
      client.ip = std::move(value);
    } else if (name == "user_agent") {
      client.user_agent = std::move(value);
    } else if (name == "referer") {
      client.referer = std::move(value);
    } else {
      fields.emplace_back(std::move(name), std::move(value));
    }
  }
  return build_submission(kind, std::move(fields), std::move(client));
}

}  // namespace spamgate

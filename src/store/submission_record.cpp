#include "store/submission_record.h"

#include <nlohmann/json.hpp>

namespace spamgate {

namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

nlohmann::json parse_or_string(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

// The form field `name` as a positive number, or null.
nlohmann::json form_id(const Submission& submission, const char* name) {
  const std::string* value = submission.field(name);
  if (!value || value->empty() || value->size() > 18) return nullptr;
  for (char c : *value)
    if (c < '0' || c > '9') return nullptr;
  return std::stoll(*value);
}

}  // namespace

std::string SubmissionRecord::to_json() const {
  nlohmann::json out = {{"id", id},         {"created_at", created_at}, {"endpoint", endpoint},
                        {"kind", kind},     {"ip", ip},                 {"action", action},
                        {"score", score},   {"rules", rules},           {"hits", parse_or_string(hits)},
                        {"user_agent", user_agent}};
  out["content"] = content ? parse_or_string(*content) : nlohmann::json(nullptr);
  out["decision"] = decision ? nlohmann::json(*decision) : nlohmann::json(nullptr);
  out["decided_at"] = decided_at ? nlohmann::json(*decided_at) : nlohmann::json(nullptr);
  return out.dump(-1, ' ', false, kReplace);
}

std::string submission_content_json(const Submission& submission) {
  const bool comment = submission.kind == SubmissionKind::comment;
  nlohmann::json content = {{"author", submission.author},
                            {"email", submission.email},
                            {"url", submission.url},
                            {"subject", submission.subject},
                            {"body", submission.body},
                            {"post_id", comment ? form_id(submission, "comment_post_ID") : nullptr},
                            {"parent", comment ? form_id(submission, "comment_parent") : nullptr}};
  return content.dump(-1, ' ', false, kReplace);
}

SubmissionContent read_submission_content(const std::optional<std::string>& json) {
  SubmissionContent out;
  if (!json) return out;
  const nlohmann::json content = nlohmann::json::parse(*json, nullptr, false);
  if (!content.is_object()) return out;
  auto text = [&](const char* key, std::string& into) {
    if (auto it = content.find(key); it != content.end() && it->is_string()) into = it->get<std::string>();
  };
  auto number = [&](const char* key, std::optional<int64_t>& into) {
    if (auto it = content.find(key); it != content.end() && it->is_number_integer()) into = it->get<int64_t>();
  };
  text("author", out.author);
  text("email", out.email);
  text("url", out.url);
  text("subject", out.subject);
  text("body", out.body);
  number("post_id", out.post_id);
  number("parent", out.parent);
  return out;
}

bool is_blocked_action(std::string_view action) {
  return action == "hold" || action == "reject" || action == "discard";
}

SubmissionRecord make_submission_record(const std::string& id, const Submission& submission,
                                        const Verdict& verdict, TimePoint now) {
  SubmissionRecord record;
  record.id = id;
  record.created_at = unix_seconds(now);
  record.endpoint = submission.endpoint;
  record.kind = kind_name(submission.kind);
  record.ip = submission.ip;
  record.action = action_name(verdict.action);
  record.score = verdict.score;
  record.rules = verdict.rule_names();
  nlohmann::json hits = nlohmann::json::array();
  for (const Hit& hit : verdict.hits) hits.push_back({{"rule", hit.rule}, {"score", hit.score}, {"detail", hit.detail}});
  record.hits = hits.dump(-1, ' ', false, kReplace);
  if (is_blocked_action(record.action)) record.content = submission_content_json(submission);
  record.user_agent = submission.user_agent;
  return record;
}

}  // namespace spamgate

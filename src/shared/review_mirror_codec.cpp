#include "shared/review_mirror_codec.h"

#include <nlohmann/json.hpp>

#include "util/ascii.h"
#include "util/json_text.h"
#include "util/sha256.h"

namespace spamgate {
namespace {

// The string member `name` of `row`, or an error naming it.
Result<std::string> text_member(const nlohmann::json& row, const char* name) {
  const auto it = row.find(name);
  if (it == row.end() || !it->is_string()) return Error{std::string("\"") + name + "\" is not a string"};
  return it->get<std::string>();
}

}  // namespace

std::string mirror_email_key(const std::string& email) {
  return email.empty() ? std::string() : sha256_hex(ascii_lowercase(email));
}

std::string encode_mirrored_submission(const SubmissionRecord& record, const std::string& node) {
  const SubmissionContent content = read_submission_content(record.content);
  const nlohmann::json row = {{"id", record.id},
                              {"created_at", record.created_at},
                              {"endpoint", record.endpoint},
                              {"kind", record.kind},
                              {"ip", record.ip},
                              {"action", record.action},
                              {"score", record.score},
                              {"rules", record.rules},
                              {"hits", record.hits},
                              {"content", record.content.value_or("")},
                              {"user_agent", record.user_agent},
                              {"node", node},
                              {"email_sha256", mirror_email_key(content.email)},
                              {"form_name", content.form_name},
                              {"form_id", content.form_id},
                              {"decision", record.decision.value_or("")},
                              {"decided_at", record.decided_at.value_or(0)}};
  // Ill-formed UTF-8 (never in a stored row, but a row is not trusted) becomes U+FFFD.
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<MirroredSubmission> decode_mirrored_submission(const std::string& text) {
  const nlohmann::json row = parse_json_or_discarded(text);
  if (!row.is_object()) return Error{"not a JSON object"};
  MirroredSubmission out;
  SubmissionRecord& r = out.record;
  std::string content;
  const std::pair<const char*, std::string*> texts[] = {
      {"id", &r.id},     {"endpoint", &r.endpoint}, {"kind", &r.kind},          {"ip", &r.ip},
      {"action", &r.action}, {"rules", &r.rules},   {"hits", &r.hits},          {"content", &content},
      {"user_agent", &r.user_agent}, {"node", &out.node}};
  for (const auto& [name, target] : texts) {
    Result<std::string> value = text_member(row, name);
    if (!value) return Error{value.error()};
    *target = std::move(*value);
  }
  const auto created = row.find("created_at");
  if (created == row.end() || !created->is_number_integer()) return Error{"\"created_at\" is not an integer"};
  r.created_at = created->get<int64_t>();
  const auto score = row.find("score");
  if (score == row.end() || !score->is_number()) return Error{"\"score\" is not a number"};
  r.score = score->get<double>();
  if (!is_submission_id(r.id)) return Error{"\"id\" is not 16 hex digits"};
  if (!is_blocked_action(r.action)) return Error{"\"action\" is not hold, reject or discard"};
  if (content.empty()) return Error{"\"content\" is empty"};
  r.content = std::move(content);
  return out;
}

}  // namespace spamgate

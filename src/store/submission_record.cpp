#include "store/submission_record.h"

#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>

#include "form/form_fields.h"
#include "util/hex.h"
#include "util/json_text.h"
#include "util/utf8.h"

namespace spamgate {

bool is_submission_id(std::string_view id) { return is_lower_hex(id, 16); }

namespace {

// The row's JSON (hits, content) is written here by hand, once per request:
// the same text nlohmann::json would dump (ill-formed UTF-8 replaced by
// U+FFFD, control characters escaped; hits as Hit's to_json), without
// building a document first. The one JSON spamgate writes by hand: a
// document here costs a rejected comment some 23 allocations for the
// content and 18 a hit (it takes about 110 in all). test_store checks the
// bytes against nlohmann's.

// How many bytes of the ill-formed sequence at text[pos] one U+FFFD stands
// for: a lead byte and the continuation bytes that could still have made a
// character (a sequence cut short), else the one byte (as nlohmann::json's
// replacing decoder reads it).
size_t ill_formed_length(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  size_t needed = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) needed = 1;
  else if (lead >= 0xE0 && lead <= 0xEF) needed = 2, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
  else if (lead >= 0xF0 && lead <= 0xF4) needed = 3, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
  size_t length = 1;
  while (length <= needed && pos + length < text.size()) {
    const unsigned char next = byte(pos + length);
    if (length == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) break;
    ++length;
  }
  return length;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Bytes copied as they are: printable ASCII but the quote and backslash.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  size_t copied = 0;  // text before this is in `out`
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && kPlain[static_cast<unsigned char>(text[pos])]) ++pos;
    if (pos == text.size()) break;
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      if (const size_t length = utf8_sequence_length(text, pos)) {
        pos += length;
        continue;
      }
    }
    out.append(text.substr(copied, pos - copied));
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x80) {
          out += "\xEF\xBF\xBD";  // U+FFFD
          pos += ill_formed_length(text, pos) - 1;
        } else {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
    copied = ++pos;
  }
  out.append(text.substr(copied));
  out += '"';
}

// A score as JSON: the shortest text that reads back as the same double
// ("2.5", "22.0" as nlohmann writes whole numbers); null when not finite.
void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  const std::string_view written(text, error == std::errc() ? static_cast<size_t>(end - text) : 0);
  out += written;
  if (written.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_json_id(std::string& out, std::optional<int64_t> id) {
  if (id) out += std::to_string(*id);
  else out += "null";
}

nlohmann::json parse_or_string(const std::string& text) {
  nlohmann::json parsed = parse_json_or_discarded(text);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

// The form field `name` as a positive number, or nullopt.
std::optional<int64_t> form_id(const Submission& submission, const char* name) {
  const std::string* value = submission.field(name);
  if (!value || value->empty() || value->size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

// ,"fields":[[name,value],...] (every field as received but passwords, so
// a rescued message can be mailed whole) and, for a form plugin's
// submission, ,"form":{"container","id","name"}.
void append_fields_json(std::string& out, const Submission& submission) {
  out += ",\"fields\":[";
  bool first = true;
  for (const auto& [name, value] : submission.raw_form) {
    if (is_password_field(name)) continue;
    if (!first) out += ',';
    first = false;
    out += '[';
    append_json_string(out, name);
    out += ',';
    append_json_string(out, value);
    out += ']';
  }
  out += ']';
  if (submission.kind != SubmissionKind::form) return;
  out += ",\"form\":{\"container\":";
  append_json_string(out, submission.form_container);
  out += ",\"id\":";
  append_json_string(out, submission.form_id);
  out += ",\"name\":";
  append_json_string(out, submission.form_name);
  out += '}';
}

}  // namespace

void to_json(nlohmann::json& out, const SubmissionRecord& r) {
  out = {{"id", r.id},         {"created_at", r.created_at}, {"endpoint", r.endpoint},
         {"kind", r.kind},     {"ip", r.ip},                 {"action", r.action},
         {"score", r.score},   {"rules", r.rules},           {"hits", parse_or_string(r.hits)},
         {"user_agent", r.user_agent}};
  out["content"] = r.content ? parse_or_string(*r.content) : nlohmann::json(nullptr);
  out["decision"] = r.decision ? nlohmann::json(*r.decision) : nlohmann::json(nullptr);
  out["decided_at"] = r.decided_at ? nlohmann::json(*r.decided_at) : nlohmann::json(nullptr);
}

std::vector<Hit> stored_hits(const SubmissionRecord& row) {
  std::vector<Hit> out;
  const nlohmann::json hits = parse_json_or_discarded(row.hits);
  if (!hits.is_array()) return out;
  for (const auto& hit : hits) {
    if (!hit.is_object() || !hit.contains("rule") || !hit["rule"].is_string()) continue;
    Hit h;
    h.rule = hit["rule"].get<std::string>();
    if (hit.contains("score") && hit["score"].is_number()) h.score = hit["score"].get<double>();
    if (hit.contains("detail") && hit["detail"].is_string()) h.detail = hit["detail"].get<std::string>();
    out.push_back(std::move(h));
  }
  return out;
}

std::string submission_content_json(const Submission& submission) {
  const bool comment = submission.kind == SubmissionKind::comment;
  std::string out;
  out.reserve(96 + submission.author.size() + submission.email.size() + submission.url.size() +
              submission.subject.size() + submission.body.size() * 11 / 10);
  out += "{\"author\":";
  append_json_string(out, submission.author);
  out += ",\"body\":";
  append_json_string(out, submission.body);
  out += ",\"email\":";
  append_json_string(out, submission.email);
  if (submission.kind != SubmissionKind::comment) append_fields_json(out, submission);
  out += ",\"parent\":";
  append_json_id(out, comment ? form_id(submission, "comment_parent") : std::nullopt);
  out += ",\"post_id\":";
  append_json_id(out, comment ? form_id(submission, "comment_post_ID") : std::nullopt);
  out += ",\"subject\":";
  append_json_string(out, submission.subject);
  out += ",\"url\":";
  append_json_string(out, submission.url);
  out += '}';
  return out;
}

namespace {

// [{"detail","rule","score"}, ...] in hit order.
std::string hits_json(const Verdict& verdict) {
  std::string out = "[";
  for (const Hit& hit : verdict.hits) {
    if (out.size() > 1) out += ',';
    out += "{\"detail\":";
    append_json_string(out, hit.detail);
    out += ",\"rule\":";
    append_json_string(out, hit.rule);
    out += ",\"score\":";
    append_json_number(out, hit.score);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace

SubmissionContent read_submission_content(const std::optional<std::string>& json) {
  SubmissionContent out;
  if (!json) return out;
  const nlohmann::json content = parse_json_or_discarded(*json);
  if (!content.is_object()) return out;
  auto text_of = [](const nlohmann::json& object, const char* key, std::string& into) {
    if (auto it = object.find(key); it != object.end() && it->is_string()) into = it->get<std::string>();
  };
  auto text = [&](const char* key, std::string& into) { text_of(content, key, into); };
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
  if (auto it = content.find("fields"); it != content.end() && it->is_array())
    for (const auto& pair : *it)
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
        out.fields.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  if (auto it = content.find("form"); it != content.end() && it->is_object()) {
    text_of(*it, "name", out.form_name);
    text_of(*it, "id", out.form_id);
    text_of(*it, "container", out.form_container);
  }
  return out;
}

bool is_blocked_action(std::string_view action) {
  return action == "hold" || action == "reject" || action == "discard";
}

Submission stored_submission(const SubmissionRecord& row) {
  SubmissionContent content = read_submission_content(row.content);
  Submission s;
  s.kind = kind_of_name(row.kind);
  s.author = std::move(content.author);
  s.email = std::move(content.email);
  s.url = std::move(content.url);
  s.subject = std::move(content.subject);
  s.body = std::move(content.body);
  s.ip = row.ip;
  s.user_agent = row.user_agent;
  s.endpoint = row.endpoint;
  s.raw_form = std::move(content.fields);
  s.form_name = std::move(content.form_name);
  s.form_id = std::move(content.form_id);
  s.form_container = std::move(content.form_container);
  return s;
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
  record.hits = hits_json(verdict);
  if (is_blocked_action(record.action)) {
    record.content = submission_content_json(submission);
    if (!submission.body.empty()) record.body_hash = std::hash<std::string_view>{}(submission.body) | 1;
  }
  record.user_agent = submission.user_agent;
  return record;
}

}  // namespace spamgate

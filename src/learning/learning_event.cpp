#include "learning/learning_event.h"

#include <nlohmann/json.hpp>

#include "shared/erased_addresses.h"
#include "shared/event_stream.h"
#include "util/ascii.h"
#include "util/sha256.h"

namespace spamgate {
namespace {

// The decisions as a JSON array of records.
nlohmann::json records_json(const std::vector<FeedbackRecord>& decisions) {
  nlohmann::json out = nlohmann::json::array();
  for (const FeedbackRecord& f : decisions) out.push_back(f);
  return out;
}

// Each element of `array` as a valid decision (a decision and a kind the
// store accepts), or the first reason one is not.
Result<std::vector<FeedbackRecord>> records_of(const nlohmann::json& array) {
  if (!array.is_array()) return Error{"expected a JSON array of decisions"};
  std::vector<FeedbackRecord> out;
  out.reserve(array.size());
  for (const nlohmann::json& item : array) {
    if (!item.is_object()) return Error{"a decision must be a JSON object"};
    Result<FeedbackRecord> f = feedback_record_from_json(item);
    if (!f) return Error{f.error()};
    if (!valid_feedback_decision(f->decision)) return Error{"a decision is not spam, ham or approve"};
    if (!valid_feedback_kind(f->kind)) return Error{"a decision's kind is not comment, contact or form"};
    out.push_back(std::move(*f));
  }
  return out;
}

// The non-empty string member `name` of object `in`.
Result<std::string> text_member(const nlohmann::json& in, const char* name) {
  if (!in.is_object()) return Error{"the event's data is not a JSON object"};
  const auto it = in.find(name);
  if (it == in.end()) return Error{std::string("the event has no \"") + name + "\""};
  if (!it->is_string()) return Error{std::string("the event's \"") + name + "\" is not a string"};
  std::string value = it->get<std::string>();
  if (value.empty()) return Error{std::string("the event's \"") + name + "\" is empty"};
  return value;
}

// JSON text of `value`; bytes that are not UTF-8 become U+FFFD instead of
// an exception (an id or address may come from a request as it was sent).
std::string lenient_dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

const char* learning_op_name(LearningEvent::Op op) {
  switch (op) {
    case LearningEvent::Op::record: return "record";
    case LearningEvent::Op::record_all: return "record_all";
    case LearningEvent::Op::merge: return "merge";
    case LearningEvent::Op::forget: return "forget";
    case LearningEvent::Op::forget_email: return "forget_email";
  }
  return "record";
}

Result<LearningEvent> decode_learning_event(std::string_view op, std::string_view data) {
  LearningEvent event;
  if (op == "record") event.op = LearningEvent::Op::record;
  else if (op == "record_all") event.op = LearningEvent::Op::record_all;
  else if (op == "merge") event.op = LearningEvent::Op::merge;
  else if (op == "forget") event.op = LearningEvent::Op::forget;
  else if (op == "forget_email") event.op = LearningEvent::Op::forget_email;
  else return Error{"unknown learning event"};
  const nlohmann::json in = nlohmann::json::parse(data.begin(), data.end(), nullptr, false);
  if (in.is_discarded()) return Error{"the event's data is not JSON"};
  switch (event.op) {
    case LearningEvent::Op::record: {
      if (!in.is_object()) return Error{"the event's data is not a JSON object"};
      Result<std::vector<FeedbackRecord>> one = records_of(nlohmann::json::array({in}));
      if (!one) return Error{one.error()};
      event.decisions = std::move(*one);
      return event;
    }
    case LearningEvent::Op::record_all:
    case LearningEvent::Op::merge: {
      Result<std::vector<FeedbackRecord>> all = records_of(in);
      if (!all) return Error{all.error()};
      event.decisions = std::move(*all);
      return event;
    }
    case LearningEvent::Op::forget_email:
      if (in.is_object() && in.contains("email_sha256")) {
        Result<std::string> digest = text_member(in, "email_sha256");
        if (!digest) return Error{digest.error()};
        if (!is_email_digest(*digest)) return Error{"the event's \"email_sha256\" is not a SHA-256 in hex"};
        if (const auto at = in.find("erased_at"); at != in.end()) {
          const bool in_range = at->is_number_unsigned() ? at->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)
                                                         : at->is_number_integer() && at->get<int64_t>() >= 0;
          if (!in_range) return Error{"the event's \"erased_at\" is not a time"};
          event.erased_at = at->get<int64_t>();
        }
        event.target = std::move(*digest);
        event.hashed = true;
        return event;
      }
      [[fallthrough]];
    case LearningEvent::Op::forget: {
      Result<std::string> target = text_member(in, event.op == LearningEvent::Op::forget ? "id" : "email");
      if (!target) return Error{target.error()};
      event.target = std::move(*target);
      return event;
    }
  }
  return Error{"unknown learning event"};
}

std::string encode_learning_event(const LearningEvent& event) {
  switch (event.op) {
    case LearningEvent::Op::record:
      return lenient_dump(event.decisions.empty() ? nlohmann::json::object() : nlohmann::json(event.decisions.front()));
    case LearningEvent::Op::record_all:
    case LearningEvent::Op::merge: return lenient_dump(records_json(event.decisions));
    case LearningEvent::Op::forget: return lenient_dump({{"id", event.target}});
    case LearningEvent::Op::forget_email:
      if (!event.hashed) return lenient_dump({{"email", event.target}});
      if (event.erased_at > 0) return lenient_dump({{"email_sha256", event.target}, {"erased_at", event.erased_at}});
      return lenient_dump({{"email_sha256", event.target}});
  }
  return "{}";
}

std::string email_digest(std::string_view email) { return sha256_hex(ascii_lowercase(email)); }

LearningEvent erase_event_for_stream(std::string_view email, int64_t erased_at) {
  return LearningEvent{LearningEvent::Op::forget_email, {}, email_digest(email), true, erased_at};
}

Result<LearningSnapshot> decode_learning_snapshot(std::string_view text) {
  const nlohmann::json in = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!in.is_object()) return Error{"the learning snapshot is not a JSON object"};
  LearningSnapshot snapshot;
  const auto covers = in.find("covers");
  if (covers == in.end() || !covers->is_string() || !parse_stream_id(covers->get<std::string>()))
    return Error{"the learning snapshot's \"covers\" is not a stream id"};
  snapshot.covers = covers->get<std::string>();
  const auto decisions = in.find("decisions");
  if (decisions == in.end()) return Error{"the learning snapshot has no \"decisions\""};
  Result<std::vector<FeedbackRecord>> all = records_of(*decisions);
  if (!all) return Error{"learning snapshot: " + all.error()};
  snapshot.decisions = std::move(*all);
  return snapshot;
}

std::string encode_learning_snapshot(const LearningSnapshot& snapshot) {
  return lenient_dump({{"covers", snapshot.covers}, {"decisions", records_json(snapshot.decisions)}});
}

}  // namespace spamgate

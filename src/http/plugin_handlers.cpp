// The endpoints the WordPress plugin calls (notify, feedback, stats), all
// behind the shared secret, and the health check.
#include <nlohmann/json.hpp>

#include "bounce/bounce_log.h"
#include "form/form_decoder.h"
#include "http/gateway.h"
#include "http/request_log.h"
#include "learning/feedback_channel.h"
#include "shared/leader_lease.h"
#include "shared/redis_link.h"
#include "learning/learner.h"
#include "mail/notifier.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "util/json_text.h"

namespace spamgate {
namespace {

// The fields of an API body: a flat JSON object of strings and numbers, or
// an urlencoded form. Returns the one-line reason on failure.
Result<std::map<std::string, std::string>> api_fields(const HttpRequest& request, const LimitsConfig& limits) {
  std::map<std::string, std::string> fields;
  if (request.body_too_large) return Error{"the request body is too large"};
  if (request.content_type.rfind("application/json", 0) == 0) {
    Result<nlohmann::ordered_json> json = parse_json_body(request.body);
    if (!json) return Error{json.error()};
    if (!json->is_object()) return Error{"the body is not a JSON object"};
    for (const auto& [key, value] : json->items()) {
      if (value.is_string()) fields[key] = value.get<std::string>();
      else if (value.is_number_integer()) fields[key] = std::to_string(value.get<long long>());
      else if (!value.is_null()) return Error{"field " + key + " must be a string or an integer"};
    }
    return fields;
  }
  FormResult decoded = decode_form(request.content_type, request.body, limits);
  if (!decoded.ok()) return Error{decoded.error.reason};
  for (auto& [key, value] : decoded.fields) fields[key] = std::move(value);
  return fields;
}

std::string get(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

constexpr size_t kMaxTrainItems = 500;

std::string string_member(const nlohmann::ordered_json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One item of POST /spamgate/train as a decision, or the reason it is not one.
Result<FeedbackRecord> training_item(const nlohmann::ordered_json& item, size_t index, int64_t now) {
  const std::string where = "items[" + std::to_string(index) + "]: ";
  if (!item.is_object()) return Error{where + "not an object"};
  FeedbackRecord f;
  f.decision = string_member(item, "decision");
  if (f.decision != "spam" && f.decision != "ham") return Error{where + "decision must be spam or ham"};
  auto id = item.find("comment_id");
  if (id == item.end() || !id->is_number_integer()) return Error{where + "comment_id must be an integer"};
  f.comment_id = id->get<int64_t>();
  if (std::string kind = string_member(item, "kind"); !kind.empty()) f.kind = kind;
  if (!valid_feedback_kind(f.kind)) return Error{where + "kind must be comment, contact or form"};
  f.author = string_member(item, "author");
  f.email = string_member(item, "email");
  f.url = string_member(item, "url");
  f.ip = string_member(item, "ip");
  f.subject = string_member(item, "subject");
  f.body = string_member(item, "body");
  f.source = "history";
  f.created_at = now;
  return f;
}

}  // namespace

HttpResponse Gateway::handle_health() {
  const bool rules_loaded = services_.rules->current() != nullptr;
  nlohmann::json body = {{"status", rules_loaded ? "ok" : "no rules"}, {"version", SPAMGATE_VERSION}};
  body["shared"] = {{"mode", "off"}};
  if (const RedisLink* redis = services_.shared) {
    body["shared"] = {{"mode", redis->up() ? "redis" : "local-fallback"},
                      {"redis", redis->up() ? "up" : "down"},
                      {"node", redis->node()},
                      {"round_trip_ms", redis->last_round_trip_ms()},
                      {"stream_applied", services_.decisions ? services_.decisions->position() : ""},
                      {"leader", services_.leader != nullptr && services_.leader->leading()}};
  }
  return HttpResponse::json(rules_loaded ? 200 : 503, body);
}

HttpResponse Gateway::handle_notify(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "POST the notification");
  if (!services_.notifier) return HttpResponse::text(503, "mail is not enabled in spamgate's config");
  auto fields = api_fields(request, services_.config->limits);
  if (!fields.ok()) return HttpResponse::text(400, fields.error());
  NotifyRequest notify;
  notify.subject = get(*fields, "subject");
  notify.text = get(*fields, "text");
  if (std::string reply_to = get(*fields, "reply_to"); !reply_to.empty()) notify.reply_to = reply_to;
  if (std::string recipient = get(*fields, "recipient"); !recipient.empty()) notify.recipient = recipient;
  auto queued = services_.notifier->queue_notification(notify);
  if (!queued.ok()) {
    log.reason = queued.reason;
    const int status = queued.failure == QueueFailure::recipient_not_allowed ? 403
                       : queued.failure == QueueFailure::bad_request          ? 400
                                                                              : 503;
    return HttpResponse::text(status, queued.reason);
  }
  return HttpResponse::json(202, nlohmann::json{{"queued", true}, {"id", queued.id}});
}

HttpResponse Gateway::handle_feedback(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "POST the decision");
  auto fields = api_fields(request, services_.config->limits);
  if (!fields.ok()) return HttpResponse::text(400, fields.error());
  FeedbackRecord feedback;
  feedback.decision = get(*fields, "decision");
  if (!valid_feedback_decision(feedback.decision))
    return HttpResponse::text(400, "decision must be spam, ham or approve");
  feedback.submission_id = get(*fields, "submission_id");
  if (const std::string comment_id = get(*fields, "comment_id"); !comment_id.empty())
    feedback.comment_id = std::atoll(comment_id.c_str());
  feedback.author = get(*fields, "author");
  feedback.email = get(*fields, "email");
  feedback.url = get(*fields, "url");
  feedback.ip = get(*fields, "ip");
  feedback.body = get(*fields, "body");
  if (std::string kind = get(*fields, "kind"); !kind.empty()) feedback.kind = kind;
  feedback.subject = get(*fields, "subject");
  feedback.source = "wordpress";
  feedback.created_at = std::chrono::duration_cast<std::chrono::seconds>(
                            services_.clock->now().time_since_epoch()).count();
  if (!valid_feedback_kind(feedback.kind)) return HttpResponse::text(400, "kind must be comment, contact or form");
  Result<int64_t> stored = services_.decisions->record(feedback);
  if (!stored.ok()) {
    log.reason = stored.error();
    return HttpResponse::text(503, "the decision could not be stored; try again");
  }
  return HttpResponse::json(200, nlohmann::json{{"stored", true}, {"id", *stored}});
}

HttpResponse Gateway::handle_train(const HttpRequest& request, RequestLog& log) {
  if (request.method != "POST") return HttpResponse::text(405, "POST the labelled comments");
  if (request.body_too_large) return HttpResponse::text(413, "the request body is too large; send smaller batches");
  Result<nlohmann::ordered_json> body = parse_json_body(request.body);
  if (!body) return HttpResponse::text(400, body.error());
  if (!body->is_object() || !body->contains("items") || !(*body)["items"].is_array())
    return HttpResponse::text(400, "the body must be a JSON object {\"items\": [...]}");
  const auto& items = (*body)["items"];
  if (items.size() > kMaxTrainItems)
    return HttpResponse::text(400, "at most " + std::to_string(kMaxTrainItems) + " items per request");
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(services_.clock->now().time_since_epoch()).count();
  std::vector<FeedbackRecord> decisions;
  for (size_t i = 0; i < items.size(); ++i) {
    Result<FeedbackRecord> decision = training_item(items[i], i, now);
    if (!decision) return HttpResponse::text(400, decision.error());
    decisions.push_back(std::move(*decision));
  }
  Result<int64_t> replaced = services_.decisions->record_all(decisions);
  if (!replaced) {
    log.reason = replaced.error();
    return HttpResponse::text(503, "the comments could not be stored; try again");
  }
  nlohmann::json answer = {{"stored", decisions.size()}, {"replaced", *replaced}};
  if (services_.learner) answer["model"] = services_.learner->status();
  return HttpResponse::json(200, answer);
}

HttpResponse Gateway::handle_model(const HttpRequest& request) {
  if (request.method != "GET") return HttpResponse::text(405, "GET the learner's status");
  if (!services_.learner) return HttpResponse::text(503, "the learner is not running");
  return HttpResponse::json(200, services_.learner->status());
}

HttpResponse Gateway::handle_stats(const HttpRequest& request) {
  if (request.method != "GET") return HttpResponse::text(405, "GET the statistics");
  int days = 14;
  const std::string query(request.param("QUERY_STRING"));
  if (auto pos = query.find("days="); pos != std::string::npos) days = std::atoi(query.c_str() + pos + 5);
  days = std::clamp(days, 1, 90);
  auto stats = services_.log->stats(days);
  if (!stats.ok()) return HttpResponse::text(503, "statistics are not available right now");
  nlohmann::json answer = *stats;
  if (services_.bounces) {  // the dashboard's red line: someone may be sending as the site
    const int64_t week_ago = unix_seconds(services_.clock->now()) - 7 * 86400;
    Result<int64_t> foreign = services_.bounces->count("foreign", week_ago);
    Result<int64_t> forged = services_.bounces->count_forged(week_ago);
    if (foreign) answer["foreign_bounces_7d"] = *foreign;  // all of them, forged ones included
    if (forged) answer["forged_bounces_7d"] = *forged;     // only the site's address forged: SPF/DKIM/DMARC advice
  }
  return HttpResponse::json(200, answer);
}

}  // namespace spamgate

// The owner's review of what spamgate blocked, for the WordPress plugin's
// "Blocked by spamgate" screen, and its privacy requests (export and erase a
// commenter's data by e-mail address). All behind the shared secret.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "form/urlencoded.h"
#include "http/gateway.h"
#include "http/request_log.h"
#include "learning/feedback_channel.h"
#include "mail/notifier.h"
#include "mail/outbox.h"
#include "shared/review_mirror.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "util/json_text.h"

namespace spamgate {
namespace {

constexpr int kPersonalDataLimit = 500;

HttpResponse not_found(const std::string& id) {
  return HttpResponse::text(404, "no blocked submission " + id +
                                     " (unknown, or deleted after store.retention_days)");
}

int64_t unix_now(const Clock& clock) { return unix_seconds(clock.now()); }

// The query string's parameters (the last value of a repeated name).
Result<std::map<std::string, std::string>> query_parameters(const HttpRequest& request, const LimitsConfig& limits) {
  FormResult decoded = decode_urlencoded(request.param("QUERY_STRING"), limits);
  if (!decoded.ok()) return Error{decoded.error.reason};
  std::map<std::string, std::string> out;
  for (auto& [name, value] : decoded.fields) out[name] = std::move(value);
  return out;
}

// One submission as the plugin reads it: the stored fields flattened, each
// hit with its rule's description from the live rules.
nlohmann::json review_item(const SubmissionRecord& r, const RuleSet* rules) {
  nlohmann::json item = {{"id", r.id},         {"created_at", r.created_at}, {"endpoint", r.endpoint},
                         {"kind", r.kind},     {"ip", r.ip},                 {"user_agent", r.user_agent},
                         {"action", r.action}, {"score", r.score},           {"rules", r.rules}};
  item["hits"] = nlohmann::json::array();
  for (const Hit& hit : stored_hits(r)) {
    const RuleInfo* rule = rules ? rules->find(hit.rule) : nullptr;
    nlohmann::json& described = item["hits"].emplace_back(hit);
    described["description"] = rule ? rule->description : "";
  }
  const SubmissionContent content = read_submission_content(r.content);
  item["author"] = content.author;
  item["email"] = content.email;
  item["url"] = content.url;
  item["subject"] = content.subject;
  item["body"] = content.body;
  item["post_id"] = content.post_id ? nlohmann::json(*content.post_id) : nlohmann::json(nullptr);
  item["parent"] = content.parent ? nlohmann::json(*content.parent) : nlohmann::json(nullptr);
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& [name, value] : content.fields) fields.push_back({{"name", name}, {"value", value}});
  item["fields"] = fields;
  item["form"] = content.form_name.empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json{{"name", content.form_name},
                                                            {"id", content.form_id},
                                                            {"container", content.form_container}};
  item["decision"] = r.decision ? nlohmann::json(*r.decision) : nlohmann::json(nullptr);
  item["decided_at"] = r.decided_at ? nlohmann::json(*r.decided_at) : nlohmann::json(nullptr);
  return item;
}

// GET .../submissions's parameters as a query, or the reason they are not one.
Result<ReviewQuery> review_query(const std::map<std::string, std::string>& p) {
  auto get = [&](const char* key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
  };
  auto number = [](const std::string& text, int64_t& out) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoll(text);
    return true;
  };
  ReviewQuery q;
  if (std::string action = get("action"); !action.empty()) {
    if (!is_blocked_action(action)) return Error{"action must be hold, reject or discard"};
    q.actions = {action};
  }
  q.kind = get("kind");
  if (!q.kind.empty() && q.kind != "comment" && q.kind != "contact" && q.kind != "form")
    return Error{"kind must be comment, contact or form"};
  // form=NAME or form=NAME:ID (CF7: form=cf7:123).
  if (std::string form = get("form"); !form.empty()) {
    const size_t colon = form.find(':');
    q.form_name = form.substr(0, colon);
    if (colon != std::string::npos) q.form_id = form.substr(colon + 1);
    if (q.form_name.empty() || (colon != std::string::npos && q.form_id.empty()))
      return Error{"form must be NAME or NAME:ID"};
  }
  q.rule = get("rule");
  q.text = get("q");
  if (q.text.size() > kMaxReviewTextBytes)
    return Error{"q must be at most " + std::to_string(kMaxReviewTextBytes) + " bytes"};
  int64_t value = 0;
  if (std::string since = get("since"); !since.empty()) {
    if (!number(since, value)) return Error{"since must be unix seconds"};
    q.since = value;
  }
  if (std::string page = get("page"); !page.empty()) {
    if (!number(page, value) || value < 1) return Error{"page must be a number from 1"};
    q.page = static_cast<int>(std::min<int64_t>(value, 1000000));
  }
  if (std::string per_page = get("per_page"); !per_page.empty()) {
    if (!number(per_page, value) || value < 1 || value > 100) return Error{"per_page must be 1 to 100"};
    q.per_page = static_cast<int>(value);
  }
  const std::string held = get("held_comments");
  if (!held.empty() && held != "exclude" && held != "include") return Error{"held_comments must be exclude or include"};
  q.exclude_held_comments = held == "exclude";
  const std::string decided = get("decided");
  if (decided.empty() || decided == "0") q.state = ReviewState::undecided;
  else if (decided == "1") q.state = ReviewState::decided;
  else if (decided == "all") q.state = ReviewState::any;
  else return Error{"decided must be 0, 1 or all"};
  return q;
}

// The decision as the learner's feedback, from the stored submission.
FeedbackRecord review_feedback(const ReviewDecision& decided, std::optional<int64_t> comment_id, int64_t now) {
  const SubmissionRecord& r = decided.record;
  const SubmissionContent content = read_submission_content(r.content);
  FeedbackRecord f;
  f.created_at = now;
  f.submission_id = r.id;
  f.comment_id = comment_id;
  f.decision = *r.decision;
  f.author = content.author;
  f.email = content.email;
  f.url = content.url;
  f.ip = r.ip;
  f.body = content.body;
  f.kind = r.kind;
  f.subject = content.subject;
  f.source = "review";
  return f;
}

// With [shared], the list comes from the site's review mirror; when Redis
// does not answer, from this node's own store, and the answer says so with
// "partial": true. Without [shared] there is one node: no "partial".
struct SiteReviewPage {
  Result<ReviewPage> page;
  std::optional<bool> partial;
};

SiteReviewPage site_review(SubmissionLog& log, ReviewMirror* mirror, const ReviewQuery& query, int64_t now,
                           RequestLog& request_log) {
  if (!mirror) return {log.review(query), std::nullopt};
  Result<ReviewPage> mirrored = mirror->review(query, now);
  if (mirrored) return {std::move(mirrored), false};
  request_log.reason = mirrored.error();
  return {log.review(query), true};
}

// A commenter's blocked submissions for a privacy export: this node's and,
// with [shared], every node's from the mirror (each row once, newest
// first). Redis away: an error, since the answer would miss other nodes'.
Result<std::vector<SubmissionRecord>> site_rows_by_email(SubmissionLog& log, ReviewMirror* mirror,
                                                         const std::string& email) {
  Result<std::vector<SubmissionRecord>> rows = log.by_email(email, kPersonalDataLimit);
  if (!rows || !mirror) return rows;
  Result<std::vector<SubmissionRecord>> mirrored = mirror->by_email(email, kPersonalDataLimit);
  if (!mirrored) return mirrored;
  std::set<std::string> ids;
  for (const SubmissionRecord& row : *mirrored) ids.insert(row.id);
  for (SubmissionRecord& row : *rows)
    if (!ids.count(row.id)) mirrored->push_back(std::move(row));
  std::stable_sort(mirrored->begin(), mirrored->end(),
                   [](const SubmissionRecord& a, const SubmissionRecord& b) { return a.created_at > b.created_at; });
  if (mirrored->size() > static_cast<size_t>(kPersonalDataLimit)) mirrored->resize(kPersonalDataLimit);
  return mirrored;
}

}  // namespace

HttpResponse Gateway::handle_submissions(const HttpRequest& request, RequestLog& log) {
  if (!services_.log) return HttpResponse::text(503, "the store is not open");
  const std::string rest = request.path.substr(services_.config->endpoints.submissions.size());
  const std::shared_ptr<const RuleSet> rules = services_.rules->current();

  if (rest.empty() || rest == "/") {
    if (request.method != "GET") return HttpResponse::text(405, "GET the blocked submissions");
    auto parameters = query_parameters(request, services_.config->limits);
    if (!parameters) return HttpResponse::text(400, parameters.error());
    Result<ReviewQuery> query = review_query(*parameters);
    if (!query) return HttpResponse::text(400, query.error());
    SiteReviewPage site = site_review(*services_.log, services_.review_mirror, *query, unix_now(*services_.clock), log);
    Result<ReviewPage>& page = site.page;
    if (!page) {
      log.reason = page.error();
      return HttpResponse::text(503, "the blocked submissions cannot be read right now");
    }
    nlohmann::json answer = {{"items", nlohmann::json::array()}, {"total", page->total},
                             {"page", query->page},              {"per_page", std::clamp(query->per_page, 1, 100)},
                             {"reasons", nlohmann::json::array()}};
    for (const SubmissionRecord& r : page->items) answer["items"].push_back(review_item(r, rules.get()));
    for (const RuleCount& reason : page->reasons) {
      const RuleInfo* rule = rules ? rules->find(reason.rule) : nullptr;
      answer["reasons"].push_back(
          {{"rule", reason.rule}, {"description", rule ? rule->description : ""}, {"count", reason.hits}});
    }
    answer["not_kept"] = nlohmann::json::array();  // "N more from 203.0.113.7 not kept" (the review budget)
    for (const NotKept& dropped : page->not_kept) answer["not_kept"].push_back({{"ip", dropped.ip}, {"count", dropped.count}});
    if (site.partial) answer["partial"] = *site.partial;
    return HttpResponse::json(200, answer);
  }

  const std::string id = rest.substr(1, rest.find('/', 1) == std::string::npos ? std::string::npos : rest.find('/', 1) - 1);
  const std::string action = rest.substr(1 + id.size());
  if (!is_submission_id(id)) return HttpResponse::text(404, "a submission id is 16 hex digits");
  if (action.empty()) {
    if (request.method != "GET") return HttpResponse::text(405, "GET the submission");
    Result<std::optional<SubmissionRecord>> found = services_.review_mirror ? services_.review_mirror->find(id)
                                                                             : Result<std::optional<SubmissionRecord>>(std::nullopt);
    if (!found || !*found) found = services_.log->find(id);  // Redis away, or not mirrored yet: this node's own
    if (!found) return HttpResponse::text(503, "the submission cannot be read right now");
    if (!*found || !(*found)->content || !is_blocked_action((*found)->action)) return not_found(id);
    return HttpResponse::json(200, review_item(**found, rules.get()));
  }
  if (action != "/decision") return HttpResponse::text(404, "spamgate has no endpoint at this path");
  if (request.method != "POST") return HttpResponse::text(405, "POST the decision");
  if (request.body_too_large) return HttpResponse::text(413, "the request body is too large");
  Result<nlohmann::ordered_json> parsed = parse_json_body(request.body);
  if (!parsed) return HttpResponse::text(400, parsed.error());
  const nlohmann::ordered_json& body = *parsed;
  if (!body.is_object()) return HttpResponse::text(400, "the body must be a JSON object");
  const std::string decision =
      body.contains("decision") && body["decision"].is_string() ? body["decision"].get<std::string>() : "";
  if (decision != "ham" && decision != "spam") return HttpResponse::text(400, "decision must be ham or spam");
  std::optional<int64_t> comment_id;
  if (body.contains("comment_id") && !body["comment_id"].is_null()) {
    if (!body["comment_id"].is_number_integer()) return HttpResponse::text(400, "comment_id must be an integer");
    comment_id = body["comment_id"].get<int64_t>();
  }

  const int64_t now = unix_now(*services_.clock);
  // The site's decision in the mirror (any node's row), and this node's own
  // row when it holds it; the mirror's answer wins, this node's when Redis
  // is away (the mirror then applies the decision once Redis is back).
  Result<std::optional<ReviewDecision>> decided = services_.log->decide(id, decision, now);
  if (services_.review_mirror) {
    Result<std::optional<ReviewDecision>> site = services_.review_mirror->decide(id, decision, now);
    if (site && *site) decided = std::move(site);
  }
  if (!decided) {
    log.reason = decided.error();
    return HttpResponse::text(503, "the decision could not be stored; try again");
  }
  if (!*decided) return not_found(id);
  if (Result<int64_t> stored = services_.decisions->record(review_feedback(**decided, comment_id, now)); !stored) {
    log.reason = stored.error();
    return HttpResponse::text(503, "the decision could not be stored; try again");
  }
  bool mailed = false;
  const SubmissionRecord& record = (*decided)->record;
  if (decision == "ham" && record.kind == "contact" && services_.notifier) {
    // Claimed once for the site in Redis, else (Redis away) once for this node.
    ReviewMirror* mirror = services_.review_mirror;
    Result<bool> claimed = mirror ? mirror->claim_delivery(id) : Result<bool>(Error{"no mirror"});
    const bool site_claim = claimed.ok();
    if (!site_claim) claimed = services_.log->claim_delivery(id, now);
    if (!claimed) return HttpResponse::text(503, "the message could not be queued; try again");
    if (*claimed) {
      QueueResult queued = services_.notifier->queue_contact(stored_submission(record), id);
      if (!queued.ok()) {
        (void)(site_claim ? mirror->release_delivery(id) : services_.log->release_delivery(id));
        log.reason = queued.reason;
        return HttpResponse::text(503, "the rescued message could not be queued: " + queued.reason);
      }
      mailed = true;
    }
  }
  nlohmann::json answer = {{"id", id},
                           {"decision", decision},
                           {"previous", (*decided)->previous ? nlohmann::json(*(*decided)->previous) : nlohmann::json(nullptr)},
                           {"mailed", mailed},
                           {"item", review_item(record, rules.get())}};
  return HttpResponse::json(200, answer);
}

HttpResponse Gateway::handle_personal_data(const HttpRequest& request, RequestLog& log) {
  if (!services_.log) return HttpResponse::text(503, "the store is not open");
  const std::string rest = request.path.substr(services_.config->endpoints.personal_data.size());
  const std::shared_ptr<const RuleSet> rules = services_.rules->current();
  std::string email;
  if (rest.empty() || rest == "/") {
    if (request.method != "GET") return HttpResponse::text(405, "GET a commenter's data with ?email=");
    auto parameters = query_parameters(request, services_.config->limits);
    if (!parameters) return HttpResponse::text(400, parameters.error());
    email = (*parameters)["email"];
  } else if (rest == "/erase") {
    if (request.method != "POST") return HttpResponse::text(405, "POST {\"email\": ...} to erase");
    Result<nlohmann::ordered_json> body = parse_json_body(request.body);
    if (!body) return HttpResponse::text(400, body.error());
    if (body->is_object() && body->contains("email") && (*body)["email"].is_string())
      email = (*body)["email"].get<std::string>();
  } else {
    return HttpResponse::text(404, "spamgate has no endpoint at this path");
  }
  if (email.empty() || email.size() > 254 || email.find('@') == std::string::npos)
    return HttpResponse::text(400, "email must be an e-mail address");
  (void)services_.log->flush();  // rows still queued belong to the answer too

  if (rest == "/erase") {
    // Every place this node keeps a person's data: submissions with their
    // text (blocked, and passed within keep_passed_days), the outbox, the
    // decisions;
    // with [shared] the decision channel first records the erasure for the
    // site (so no node, nor a row on its way to the mirror, brings the
    // address back) and clears Redis of the address.
    // The site's review mirror holds every node's rows: erased here for all
    // (Redis away: 503, as the mirror would keep the address).
    Result<int64_t> decisions = services_.decisions->forget_email(email);
    Result<int64_t> mirrored = services_.review_mirror ? services_.review_mirror->erase_email(email) : Result<int64_t>(0);
    Result<int64_t> submissions = services_.log->erase_email(email);
    Result<int64_t> mails = services_.outbox ? services_.outbox->erase_mentioning(email) : Result<int64_t>(0);
    for (const Result<int64_t>* erased : {&mirrored, &submissions, &mails, &decisions})
      if (!*erased) {
        log.reason = erased->error();
        return HttpResponse::text(503, "the data could not be erased; try again");
      }
    nlohmann::json answer = {{"submissions_erased", *submissions}, {"mails_erased", *mails}, {"decisions_erased", *decisions}};
    if (services_.review_mirror) answer["site_submissions_erased"] = *mirrored;  // every node's, from the mirror
    return HttpResponse::json(200, answer);
  }
  Result<std::vector<SubmissionRecord>> submissions = site_rows_by_email(*services_.log, services_.review_mirror, email);
  Result<std::vector<FeedbackRecord>> decisions = services_.feedback->by_email(email, kPersonalDataLimit);
  Result<std::vector<OutboxRow>> mails = services_.outbox ? services_.outbox->mentioning(email, kPersonalDataLimit)
                                                          : Result<std::vector<OutboxRow>>(std::vector<OutboxRow>{});
  if (!submissions || !decisions || !mails) {
    log.reason = !submissions ? submissions.error() : !decisions ? decisions.error() : mails.error();
    return HttpResponse::text(503, "the data cannot be read right now");
  }
  nlohmann::json answer = {{"submissions", nlohmann::json::array()},
                           {"decisions", nlohmann::json::array()},
                           {"mails", nlohmann::json::array()}};
  for (const SubmissionRecord& r : *submissions) answer["submissions"].push_back(review_item(r, rules.get()));
  for (const FeedbackRecord& f : *decisions) answer["decisions"].push_back(f);
  for (const OutboxRow& m : *mails)
    answer["mails"].push_back({{"id", m.id},
                               {"created_at", m.created_at},
                               {"kind", to_string(m.kind)},
                               {"status", to_string(m.status)},
                               {"subject", m.subject},
                               {"recipients", m.message.recipients},
                               {"sent_at", m.sent_at ? nlohmann::json(*m.sent_at) : nlohmann::json(nullptr)},
                               {"message", m.message.data}});
  return HttpResponse::json(200, answer);
}

}  // namespace spamgate

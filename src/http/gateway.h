// Gateway: routes each FastCGI request through the route table to its
// endpoint handler and holds the services the handlers share. It owns
// nothing but the table: `serve` builds the services and keeps them alive
// for the gateway's life. A request never chooses a mail recipient; a
// submission of a route spamgate knows never reaches PHP-FPM without a
// verdict, and every forward to PHP-FPM goes through forward().
#pragma once

#include <string>

#include "config/config.h"
#include "http/http_request.h"
#include "http/http_response.h"
#include "http/metrics.h"
#include "http/route_table.h"
#include "form/submission.h"
#include "scoring/history.h"
#include "scoring/verdict.h"
#include "scoring/rule_set_holder.h"
#include "util/clock.h"

namespace spamgate {

class FastCgiClient;
class SubmissionLog;
class FeedbackLog;
class Notifier;
class Learner;
class BounceLog;
class FeedbackChannel;
class RedisLink;
class LeaderLease;
class Outbox;
class FuzzyMemory;
class ReviewMirror;

struct GatewayServices {
  const Config* config = nullptr;
  RuleSetHolder* rules = nullptr;
  SubmissionHistory* history = nullptr;  // RATE_IP and DUPLICATE state
  SubmissionLog* log = nullptr;          // verdict rows and stats
  FeedbackLog* feedback = nullptr;       // the owner's decisions from WordPress (read them here)
  Learner* learner = nullptr;            // the site's classifier (LEARNED); null: silent
  FastCgiClient* upstream = nullptr;     // PHP-FPM
  Notifier* notifier = nullptr;          // null when [mail] is not enabled
  Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
  std::string shared_secret;             // "" when none is configured
  BounceLog* bounces = nullptr;          // null unless bounce watch runs
  FeedbackChannel* decisions = nullptr;  // records and forgets decisions (shared with other nodes)
  RedisLink* shared = nullptr;           // null unless [shared] redis is set
  LeaderLease* leader = nullptr;         // with `shared`: whether this node leads
  Outbox* outbox = nullptr;              // null when [mail] is not enabled (privacy export and erase)
  FuzzyMemory* fuzzy = nullptr;          // FUZZY's spam examples; null: FUZZY is silent
  ReviewMirror* review_mirror = nullptr; // with `shared`: every node's blocked submissions (review, privacy)
};

class Gateway {
 public:
  explicit Gateway(GatewayServices services) : services_(std::move(services)), routes_(*services_.config) {}

  // Answers one request. Never throws for bad input: malformed requests get
  // a 4xx with a one-line reason, an unreachable PHP-FPM a 502 or 504.
  HttpResponse handle(HttpRequest& request);

 private:
  // The route's handler, after the table's secret check.
  HttpResponse dispatch(const HttpRequest& request, const Route& route, LazyForm& form, struct RequestLog& log);
  HttpResponse handle_comment(const HttpRequest& request, const Route& route, struct RequestLog& log);
  HttpResponse handle_form(const HttpRequest& request, const Route& route, LazyForm& form, struct RequestLog& log);
  HttpResponse handle_token(const HttpRequest& request);
  HttpResponse handle_contact(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_check(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_health();
  HttpResponse handle_notify(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_feedback(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_stats(const HttpRequest& request);
  HttpResponse handle_train(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_model(const HttpRequest& request);
  HttpResponse handle_submissions(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_personal_data(const HttpRequest& request, struct RequestLog& log);
  HttpResponse handle_rules_try(const HttpRequest& request, struct RequestLog& log);
  // Scores with the live rule set; `stateful` = use and update RATE_IP and
  // DUPLICATE state. Fills the log's score, rules and outcome.
  Verdict score(const Submission& submission, bool stateful, struct RequestLog& log);
  // Queues the verdict row (with the submitted content when asked).
  void record(const Submission& submission, const Verdict& verdict, const struct RequestLog& log, bool keep_content);
  // True when the request carries "Authorization: Bearer <shared secret>".
  bool authorized(const HttpRequest& request) const;
  // The one way to PHP-FPM: the request's params (minus any SPAMGATE_* or
  // X-Spamgate-* a client sent) and body, SCRIPT_FILENAME pinned to
  // upstream.document_root + `script` when a document root is configured
  // (`script` is the route's, never client text), and the verdict as
  // SPAMGATE_VERDICT/SCORE/RULES/ID (+ SPAMGATE_FORM for a form route). No
  // verdict: SPAMGATE_UNSCORED=1 and SPAMGATE_ID, so the plugin can tell
  // "seen, not scored" from "passed" and from "never went through spamgate".
  HttpResponse forward(const HttpRequest& request, const std::string& script, const Verdict* verdict,
                       struct RequestLog& log);

  GatewayServices services_;
  RouteTable routes_;
};

// A fresh 16-hex-digit request id: the unix time in seconds, then a
// per-process counter that starts at random. Ids of one second sort
// together, so each verdict row lands beside the previous one in the
// submissions table's id index (random ids put every row on its own index
// page: one 4 KiB page written per row, about a quarter of spamgate's CPU
// when rejecting a flood). Unique within a process; an id is not a secret
// (every use of it is behind the shared secret).
std::string new_request_id();

}  // namespace spamgate

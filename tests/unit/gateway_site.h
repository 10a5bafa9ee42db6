// A Gateway with every service but PHP-FPM and mail, on a fresh SQLite
// store in a temp dir, for the unit tests that drive endpoints (review,
// forms). Test-only.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/gateway.h"
#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "store/feedback_log.h"
#include "store/stored_history.h"
#include "store/submission_log.h"
#include "support/site_rules.h"
#include "support/temp_dir.h"
#include "upstream/fastcgi_client.h"

namespace spamgate::testing {

inline const std::string kSecret = "review-test-secret";

// PHP-FPM is absent: a passed or held comment gets 502 after being recorded.
inline UpstreamConfig closed_upstream() {
  UpstreamConfig upstream;
  upstream.address = "127.0.0.1:1";
  return upstream;
}

// The request the web server passes for `method` `uri` (its query string
// after '?'), from no address and without credentials.
inline HttpRequest http_request(const std::string& method, const std::string& uri, const std::string& body = "",
                                const std::string& content_type = "application/x-www-form-urlencoded") {
  HttpRequest r;
  r.method = method;
  const size_t question = uri.find('?');
  r.path = uri.substr(0, question);
  r.content_type = content_type;
  r.body = body;
  r.params = {{"REQUEST_METHOD", method},
              {"DOCUMENT_URI", r.path},
              {"QUERY_STRING", question == std::string::npos ? "" : uri.substr(question + 1)}};
  return r;
}

// A gateway with every service but PHP-FPM and mail, on a fresh store.
struct Site {
  testing::TempDir dir;
  Config config;
  ManualClock clock;
  Metrics metrics;
  RuleSetHolder rules{{dir.write("site.rules", kTestRules)}};
  StoredHistory history;
  FastCgiClient upstream{closed_upstream()};
  std::unique_ptr<FeedbackLog> feedback;
  std::unique_ptr<Learner> learner;
  std::unique_ptr<FeedbackChannel> decisions;
  std::unique_ptr<SubmissionLog> log;
  std::unique_ptr<Gateway> gateway;

  explicit Site(const std::function<void(Config&)>& configure = {}) {
    REQUIRE(rules.reload().empty());
    config.checks.min_seconds = 0;
    config.checks.rate_burst = 1000;
    config.review.keep_per_client_hour = 0;  // the tests post from one address; the budget has its own tests
    if (configure) configure(config);
    const std::string db = dir / "spamgate.db";
    auto opened_feedback = FeedbackLog::open(db);
    REQUIRE(opened_feedback.ok());
    feedback = std::move(*opened_feedback);
    learner = std::make_unique<Learner>(*feedback, 40);
    learner->run_in_background(std::chrono::milliseconds(100));  // rebuilds, as serve runs it
    auto opened_channel = FeedbackChannel::open(db, *feedback, nullptr, learner.get(), 500);
    REQUIRE(opened_channel.ok());
    decisions = std::move(*opened_channel);
    SubmissionLogOptions log_options;
    log_options.budget.per_client_hour = config.review.keep_per_client_hour;
    auto opened_log = SubmissionLog::open(db, log_options, clock);
    REQUIRE(opened_log.ok());
    log = std::move(*opened_log);
    gateway = std::make_unique<Gateway>(GatewayServices{&config, &rules, &history, log.get(), feedback.get(),
                                                        learner.get(), &upstream, nullptr, &metrics, &clock, kSecret,
                                                        nullptr, decisions.get()});
  }

  // Sends `method` `uri` from 192.0.2.7, with the shared secret when `authorized`.
  HttpResponse request(const std::string& method, const std::string& uri, const std::string& body = "",
                       const std::string& content_type = "application/json", bool authorized = true) {
    HttpRequest r = http_request(method, uri, body, content_type);
    r.params.emplace_back("REMOTE_ADDR", "192.0.2.7");
    if (authorized) r.params.emplace_back("HTTP_AUTHORIZATION", "Bearer " + kSecret);
    return gateway->handle(r);
  }

  // Posts a comment to the comment endpoint; returns its HTTP status.
  int comment(const std::string& author, const std::string& email, const std::string& text, int post_id = 7,
              int parent = 0) {
    const std::string body = "comment_post_ID=" + std::to_string(post_id) + "&comment_parent=" + std::to_string(parent) +
                             "&author=" + author + "&email=" + email + "&url=&comment=" + text;
    return request("POST", "/wp-comments-post.php", body, "application/x-www-form-urlencoded", false).status;
  }

  nlohmann::json list(const std::string& query = "") {
    REQUIRE(log->flush().ok());
    HttpResponse response = request("GET", "/spamgate/submissions" + query);
    REQUIRE_MESSAGE(response.status == 200, response.body);
    return nlohmann::json::parse(response.body);
  }

  HttpResponse decide(const std::string& id, const std::string& body) {
    return request("POST", "/spamgate/submissions/" + id + "/decision", body);
  }
};

}  // namespace spamgate::testing

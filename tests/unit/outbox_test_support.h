// Test support for the outbox, caps and notifier tests: a scripted fake
// SmtpTransport and a mail config (their throwaway store is
// spamgate::testing::TempStore, support/temp_dir.h). Test-only.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/smtp_transport.h"

namespace outboxtest {

// Answers each send with the next scripted result, then with "250 OK"
// once the script is used up; records every message it was given.
class FakeTransport final : public spamgate::SmtpTransport {
 public:
  spamgate::SendResult send(const spamgate::MailMessage& message) override {
    std::lock_guard lock(mutex_);
    attempts_.push_back(message);
    if (script_.empty()) {
      delivered_.push_back(message);
      return {spamgate::SendOutcome::sent, "250 2.0.0 OK queued"};
    }
    spamgate::SendResult next = script_.front();
    script_.pop_front();
    if (next.outcome == spamgate::SendOutcome::sent) delivered_.push_back(message);
    return next;
  }
  void then(spamgate::SendOutcome outcome, std::string reply) {
    std::lock_guard lock(mutex_);
    script_.push_back({outcome, std::move(reply)});
  }
  std::vector<spamgate::MailMessage> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  size_t attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<spamgate::SendResult> script_;
  std::vector<spamgate::MailMessage> attempts_;
  std::vector<spamgate::MailMessage> delivered_;
};

// A mail config for blog.test: owner@ and editor@ (allowed), default caps.
inline spamgate::Config test_config() {
  spamgate::Config config;
  config.mail.enabled = true;
  config.mail.from_address = "notify@blog.test";
  config.mail.from_name = "Blog";
  config.mail.owners = {"owner@blog.test"};
  config.mail.allowed_recipients = {"editor@blog.test"};
  config.mail.site_domain = "blog.test";
  return config;
}

}  // namespace outboxtest

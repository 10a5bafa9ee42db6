// Test support for the outbox, caps and notifier tests: a scripted fake
// SmtpTransport and a mail config (their throwaway store is
// TempStore, support/temp_dir.h). Test-only.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/smtp_transport.h"

namespace spamgate::testing {

// Answers each send with the next scripted result, then with "250 OK"
// once the script is used up; records every message it was given.
class FakeTransport final : public SmtpTransport {
 public:
  SendResult send(const MailMessage& message) override {
    std::lock_guard lock(mutex_);
    attempts_.push_back(message);
    if (script_.empty()) {
      delivered_.push_back(message);
      return {SendOutcome::sent, "250 2.0.0 OK queued"};
    }
    SendResult next = script_.front();
    script_.pop_front();
    if (next.outcome == SendOutcome::sent) delivered_.push_back(message);
    return next;
  }
  void then(SendOutcome outcome, std::string reply) {
    std::lock_guard lock(mutex_);
    script_.push_back({outcome, std::move(reply)});
  }
  std::vector<MailMessage> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  size_t attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<SendResult> script_;
  std::vector<MailMessage> attempts_;
  std::vector<MailMessage> delivered_;
};

// A mail config for blog.test: owner@ and editor@ (allowed), default caps.
inline Config blog_mail_config() {
  Config config;
  config.mail.enabled = true;
  config.mail.from_address = "notify@blog.test";
  config.mail.from_name = "Blog";
  config.mail.owners = {"owner@blog.test"};
  config.mail.allowed_recipients = {"editor@blog.test"};
  config.mail.site_domain = "blog.test";
  return config;
}

}  // namespace spamgate::testing

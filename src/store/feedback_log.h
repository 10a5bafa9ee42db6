// FeedbackLog: the site owner's spam / not-spam / approve decisions, as
// reported by the WordPress plugin (POST /spamgate/feedback) or the CLI.
// Stored for later tuning; it never changes a verdict by itself.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace spamgate {

struct FeedbackRecord {
  int64_t id = 0;          // assigned by record(); ignored on input
  int64_t created_at = 0;  // unix seconds
  std::string submission_id;  // SPAMGATE_ID of the submission, "" when unknown
  std::optional<int64_t> comment_id;  // WordPress comment id
  std::string decision;    // "spam" | "ham" | "approve"
  std::string author, email, url, ip, body;
  std::string source;      // "wordpress", "cli", ...

  // The record as one JSON object, for the CLI and APIs.
  std::string to_json() const;
};

// True for the decisions the store accepts: spam, ham, approve.
bool valid_feedback_decision(const std::string& decision);

class FeedbackLog {
 public:
  // Opens (and migrates) the store at `path` with a connection of its own.
  // Error: "PATH: reason".
  static Result<std::unique_ptr<FeedbackLog>> open(const std::string& path);

  // Inserts one decision synchronously (feedback is rare: one row per
  // moderation click). Returns the new row id; an invalid decision or a
  // SQLite failure is an error and nothing is stored. Thread-safe.
  Result<int64_t> record(const FeedbackRecord& feedback);

  // The newest `limit` decisions, newest first. Thread-safe.
  Result<std::vector<FeedbackRecord>> recent(int limit);

 private:
  explicit FeedbackLog(Database db) : db_(std::move(db)) {}
  std::mutex mutex_;
  Database db_;
};

}  // namespace spamgate

// FeedbackLog: the site owner's spam / not-spam / approve decisions, as
// reported by the WordPress plugin (POST /spamgate/feedback, /spamgate/train)
// or the CLI. It is the learner's source of truth: the model is derived from
// the decisions in effect (the latest per comment), never from verdicts.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "form/submission.h"
#include "store/database.h"

namespace spamgate {

struct FeedbackRecord {
  int64_t id = 0;          // assigned by record(); ignored on input
  int64_t created_at = 0;  // unix seconds
  std::string submission_id;  // SPAMGATE_ID of the submission, "" when unknown
  std::optional<int64_t> comment_id;  // WordPress comment id
  std::string decision;    // "spam" | "ham" | "approve"
  std::string author, email, url, ip, body;
  std::string kind = "comment";  // "comment" | "contact" | "form"
  std::string subject;     // contact forms
  std::string source;      // "wordpress" (a click), "history" (import), "cli"

  // Which earlier decision this one replaces: the same WordPress comment
  // ("c:ID"), else the same spamgate submission ("s:ID"); "" = none.
  std::string key() const;
  // True for a decision that teaches spam (spam) or ham (ham, approve).
  bool is_spam() const { return decision == "spam"; }
  // The decided text as a Submission, as the learner and `rules try` score it.
  Submission submission() const;

  // The record as JSON text (to_json below), as the learning stream carries it.
  std::string to_json() const;
  // A record back from that text (feedback_record_from_json).
  static Result<FeedbackRecord> from_json(const std::string& text);
};

// {"id","created_at","submission_id","comment_id","decision","author",
// "email","url","ip","body","kind","subject","source"}: the CLI's and the
// privacy export's shape; comment_id null when unknown.
void to_json(nlohmann::json& out, const FeedbackRecord& record);
// A record back from that object. Every member is checked for its type
// (anyone who can write to Redis can put a number where a string belongs);
// absent or null members keep their defaults. Error: which member is wrong.
Result<FeedbackRecord> feedback_record_from_json(const nlohmann::json& in);

// True for the decisions the store accepts: spam, ham, approve.
bool valid_feedback_decision(const std::string& decision);
// True for the kinds the store accepts: comment, contact, form.
bool valid_feedback_kind(const std::string& kind);

// How far the log reaches: its row count and newest row id. Rows are only
// appended with higher ids or deleted, so when the count grew by exactly the
// rows added after the old newest id, nothing was deleted in between.
struct LogMark {
  int64_t rows = 0;
  int64_t newest_id = 0;
  bool operator==(const LogMark&) const = default;
};

// Rows added after a given id, and the mark, read together.
struct LogDelta {
  std::vector<FeedbackRecord> added;  // oldest first
  LogMark mark;
};

// The decisions in effect and the mark they were read at.
struct MarkedLabels {
  std::vector<FeedbackRecord> decisions;
  LogMark mark;
};

class FeedbackLog {
 public:
  // Opens (and migrates) the store at `path` with a connection of its own.
  // Error: "PATH: reason".
  static Result<std::unique_ptr<FeedbackLog>> open(const std::string& path);

  // Inserts one decision synchronously (feedback is rare: one row per
  // moderation click). Returns the new row id; an invalid decision or a
  // SQLite failure is an error and nothing is stored. Thread-safe.
  Result<int64_t> record(const FeedbackRecord& feedback);

  // Inserts many decisions in one transaction (all or none). Returns how
  // many replaced an earlier decision on the same key. Thread-safe.
  Result<int64_t> record_all(const std::vector<FeedbackRecord>& decisions);

  // Adds, in one transaction, each of `decisions` this log lacks: a keyed
  // decision unless the one in effect on its key is as new or newer
  // (created_at), a keyless one unless the same decision is here already.
  // How a node joining a cluster with its own history and the cluster's
  // history meet: on every side the union, newest wins; applying it again
  // changes nothing. Returns the decisions it added (those that won), in
  // their order. Thread-safe.
  Result<std::vector<FeedbackRecord>> merge_all(const std::vector<FeedbackRecord>& decisions);

  // Replaces every decision with `decisions` in one transaction: a node
  // that joins late takes the shared learning snapshot. Thread-safe.
  Status replace_all(const std::vector<FeedbackRecord>& decisions);

  // The newest `limit` decisions, newest first. Thread-safe.
  Result<std::vector<FeedbackRecord>> recent(int limit);

  // The decisions in effect, oldest first: for each key only the latest,
  // and every decision without a key. Thread-safe.
  Result<std::vector<FeedbackRecord>> labels();

  // labels() and the mark, in one read transaction. Thread-safe.
  Result<MarkedLabels> marked_labels();

  // Every row with an id above `id` (whether in effect or not) and the
  // mark, in one read transaction: what a model that covers `id` has not
  // seen yet. Thread-safe.
  Result<LogDelta> added_after(int64_t id);

  // Deletes every decision whose row id, submission id or comment id is
  // `id` (the learner forgets them at its next refresh). Returns how many.
  Result<int64_t> forget(const std::string& id);
  // As forget(), by the keys that name one decision on every node of a
  // cluster (submission id, WordPress comment id), never by this node's
  // row id: what a forget from the shared learning stream deletes.
  Result<int64_t> forget_site_key(const std::string& id);
  // True when `id` is the row id of a decision here and no decision here
  // has it as submission id or comment id: a key that means a different
  // decision on every other node. Thread-safe.
  Result<bool> is_row_id_only(const std::string& id);

  // The decisions about a commenter with e-mail address `email`
  // (case-insensitive), newest first, at most `limit`: a privacy export.
  Result<std::vector<FeedbackRecord>> by_email(const std::string& email, int limit);
  // Deletes every decision about `email` made at or before `made_until`
  // (unix seconds; by default all of them), so the learner unlearns them
  // at its next refresh: a privacy erasure. Returns how many.
  Result<int64_t> forget_email(const std::string& email, int64_t made_until = INT64_MAX);
  // Every distinct e-mail address the log holds (to find the one a hashed
  // erasure from the shared stream names).
  Result<std::vector<std::string>> emails();

 private:
  explicit FeedbackLog(Database db) : db_(std::move(db)) {}
  // Deletes the rows where `condition` (with ?1 = id) holds; how many.
  Result<int64_t> delete_where(const char* condition, const std::string& id);
  std::mutex mutex_;
  Database db_;
};

}  // namespace spamgate

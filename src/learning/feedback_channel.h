// FeedbackChannel: the one way the owner's decisions reach the feedback log
// (clicks, history imports, review decisions, privacy erasures, the CLI).
// On one machine it writes the log. With [shared] redis it appends each
// decision to a Redis stream and applies the stream to this node's log in
// stream order, so every node's log and model agree; a node that starts or
// reconnects catches up from the stream, or from the snapshot the leader
// writes before trimming it. While Redis is away a decision is applied
// here at once and kept in SQLite until it can be published: nothing a
// person decided is lost.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "learning/learner.h"
#include "learning/learning_event.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "shared/redis_link.h"
#include "store/database.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"

namespace spamgate {

class FeedbackChannel {
 public:
  // `log` (and `redis`, `learner` when given) must outlive the channel.
  // `redis` null: one machine. `learner` null: nothing to refresh (CLI).
  static Result<std::unique_ptr<FeedbackChannel>> open(const std::string& db_path, FeedbackLog& log,
                                                       RedisLink* redis, Learner* learner, int snapshot_every);

  // A privacy erasure applied from the stream also erases `submissions`'
  // blocked content of that commenter on this node. Call before serving.
  void erase_submissions_too(SubmissionLog& submissions) { submissions_ = &submissions; }
  // Every decision applied from now on (here or from the stream) also
  // teaches `fuzzy` (learning/fuzzy_teacher.h); forgetting a decision or an
  // address forgets its examples. Call before serving.
  void teach_fuzzy_too(FuzzyMemory& fuzzy) { fuzzy_ = &fuzzy; }

  // As FeedbackLog's methods of the same names; with shared state they
  // return once this node has applied the decision (and every decision
  // the stream holds before it). With shared state forget_email publishes
  // the address's email_digest() only (each node erases the addresses it
  // holds with that digest), then deletes every stream entry that mentions
  // the address and rewrites the snapshot without it: afterwards no Redis
  // value holds the address.
  Result<int64_t> record(const FeedbackRecord& decision);
  Result<int64_t> record_all(const std::vector<FeedbackRecord>& decisions);
  Result<int64_t> forget(const std::string& id);
  Result<int64_t> forget_email(const std::string& email);

  // Shared only: publishes what was kept while Redis was away, loads the
  // snapshot when this node is behind it, and applies the stream past this
  // node's position. Returns how many events it applied.
  Result<int> sync();
  // Waits up to `wait` for new events (a blocking read on a connection of
  // its own), then sync(). For serve's learning thread.
  Result<int> wait_and_sync(std::chrono::milliseconds wait);
  // The leader's job: when the stream holds more than snapshot_every
  // events, writes this node's decisions as the snapshot and trims the
  // stream behind it. Returns true when it did.
  Result<bool> compact();

  // The stream id this node has applied up to ("" = none yet).
  std::string position() const;
  uint64_t events_applied() const { return applied_.load(); }
  // Stream entries that did not decode (skipped, the position moved past
  // them), and malformed snapshots found (ignored until the leader rebuilds).
  uint64_t events_malformed() const { return events_malformed_.load(); }
  uint64_t snapshots_malformed() const { return snapshots_malformed_.load(); }
  bool shared() const { return redis_ != nullptr; }

 private:
  FeedbackChannel(Database db, FeedbackLog& log, RedisLink* redis, Learner* learner, int snapshot_every)
      : db_(std::move(db)), log_(log), redis_(redis), learner_(learner), snapshot_every_(snapshot_every) {}

  Result<int64_t> publish(const LearningEvent& event);
  Result<int64_t> apply(const LearningEvent& event);
  Result<int64_t> apply_to_log(const LearningEvent& event);
  // What an applied event teaches or unteaches FUZZY.
  void apply_to_fuzzy(const LearningEvent& event, const std::vector<std::string>& erased_addresses);
  // sync() with mutex_ held; fills `wanted_result` when it applies `wanted`.
  Result<int> sync_locked(const std::string& wanted, Result<int64_t>* wanted_result);
  Status load_snapshot_if_behind();
  Status skip_malformed_snapshot(const std::string& reason);
  // The addresses this node holds whose email_digest() is `digest`.
  Result<std::vector<std::string>> addresses_with_digest(const std::string& digest);
  // An erasure reaches what this node keeps for Redis and what Redis holds:
  // kept events, the stream's entries and the snapshot that mention `email`.
  Status forget_kept(const std::string& email);
  Status scrub_shared(const std::string& email);
  Status publish_kept();
  Status keep(const std::string& op, const std::string& data);
  Status save_position(const std::string& id);
  void refresh_learner();

  std::mutex mutex_;  // one applier at a time; guards db_, applied_ahead_ and writes of position_
  Database db_;       // shared_state and shared_pending
  FeedbackLog& log_;
  RedisLink* redis_;
  Learner* learner_;
  SubmissionLog* submissions_ = nullptr;
  FuzzyMemory* fuzzy_ = nullptr;
  const int snapshot_every_;
  mutable std::mutex position_mutex_;  // guards position_ for readers outside mutex_
  std::string position_;
  std::set<std::string> applied_ahead_;  // published, applied here before the stream was read back
  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> events_malformed_{0};
  std::atomic<uint64_t> snapshots_malformed_{0};
  std::string last_bad_snapshot_;  // the reason last logged (guarded by mutex_)
  bool rebuild_snapshot_ = false;  // the leader compacts at once (guarded by mutex_)
};

}  // namespace spamgate

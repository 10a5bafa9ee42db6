// FeedbackChannel: the one way the owner's decisions reach the feedback log
// (clicks, history imports, review decisions, privacy erasures, the CLI).
// It maps each decision to a learning event (learning/learning_event.h) and
// applies it to the log, to FUZZY's examples and to the submissions an
// erasure names, then refreshes the learner: a caller never refreshes it.
// On one machine it applies the event here. With [shared] redis the events
// travel on the shared event stream (shared/event_stream.h), which every
// node applies in the same order, so every node's log and model agree;
// while Redis is away a decision is applied here at once and published
// later: nothing a person decided is lost. A privacy erasure is also
// recorded for the site (shared/erased_addresses.h), so that no node brings
// the address's data back: a node joining with its own history erases it
// from its store first, and data of an erased address from before its
// erasure is dropped wherever it arrives from the stream.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "learning/learner.h"
#include "learning/learning_event.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "shared/erased_addresses.h"
#include "shared/event_stream.h"
#include "shared/redis_link.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "util/clock.h"

namespace spamgate {

class FeedbackChannel final : private EventSink {
 public:
  // `log` (and `redis`, `learner`, `clock` when given) must outlive the
  // channel. `redis` null: one machine. `learner` null: nothing to refresh
  // (CLI). `clock` (when an erasure happens) null: the system clock.
  static Result<std::unique_ptr<FeedbackChannel>> open(const std::string& db_path, FeedbackLog& log,
                                                       RedisLink* redis, Learner* learner, int snapshot_every,
                                                       const Clock* clock = nullptr);

  // A privacy erasure applied from the stream also erases `submissions`'
  // blocked content of that commenter on this node, and so do the site's
  // erasures this node found when it joined or caught up from the snapshot
  // (also those found before this call). Call before serving.
  void erase_submissions_too(SubmissionLog& submissions);
  // Every decision applied from now on (here or from the stream) also
  // teaches `fuzzy` (learning/fuzzy_teacher.h); forgetting a decision or an
  // address forgets its examples. Call before serving.
  void teach_fuzzy_too(FuzzyMemory& fuzzy) { fuzzy_ = &fuzzy; }

  // As FeedbackLog's methods of the same names, and the learner is
  // refreshed before they return; with shared state they return once this
  // node has applied the decision (and every decision the stream holds
  // before it). With shared state forget_email first records the erasure
  // for the site (shared/erased_addresses.h; Error when Redis does not take
  // it: nothing is erased, try again), then publishes the address's
  // email_digest() only (each node erases the addresses it holds with that
  // digest), then deletes every stream entry that mentions the address and
  // rewrites the snapshot without it: afterwards no Redis value holds it.
  // With shared state forget deletes by submission id or WordPress comment
  // id on every node, and refuses an id that is only a row id of this
  // node's log (it names a different decision on each node).
  Result<int64_t> record(const FeedbackRecord& decision);
  Result<int64_t> record_all(const std::vector<FeedbackRecord>& decisions);
  Result<int64_t> forget(const std::string& id);
  Result<int64_t> forget_email(const std::string& email);

  // Shared only (else 0), as EventStream's of the same names; the learner
  // is refreshed whenever they applied an event. For serve's learning
  // thread (wait_and_sync) and the leader (compact).
  Result<int> sync();
  Result<int> wait_and_sync(std::chrono::milliseconds wait);
  Result<bool> compact();

  // The stream id this node has applied up to ("" = none yet, or one machine).
  std::string position() const { return stream_ ? stream_->position() : std::string(); }
  uint64_t events_applied() const { return stream_ ? stream_->events_applied() : 0; }
  uint64_t events_malformed() const { return stream_ ? stream_->events_malformed() : 0; }
  uint64_t snapshots_malformed() const { return stream_ ? stream_->snapshots_malformed() : 0; }
  // Decisions that arrived from the stream about an address erased after
  // they were made, and dropped; entries of the site's erasures that did
  // not decode, skipped (the most found in one read).
  uint64_t erased_decisions_dropped() const { return erased_dropped_.load(); }
  uint64_t erasures_malformed() const { return erasures_malformed_.load(); }
  bool shared() const { return stream_ != nullptr; }

 private:
  FeedbackChannel(FeedbackLog& log, Learner* learner, const Clock& clock)
      : log_(log), learner_(learner), clock_(clock) {}

  // Applies `event` here or through the stream, then refreshes the learner.
  Result<int64_t> decide(const LearningEvent& event);
  // An event's decisions (those no erasure covers), or its erasure.
  Result<int64_t> apply_event(const LearningEvent& event);
  Result<int64_t> apply_erasure(const LearningEvent& event);
  // Writes an event's decisions to the log. A merge keeps in `event` only
  // the decisions that won (the newest on their key), what FUZZY is then
  // taught: an overruled decision is nobody's example.
  Result<int64_t> apply_to_log(LearningEvent& event);
  // What an applied event teaches or unteaches FUZZY (an erasure: erase_address_here).
  void apply_to_fuzzy(const LearningEvent& event);
  // Erases what `address` left here up to `made_until` (unix seconds): its
  // blocked submissions, decisions and FUZZY examples. Returns how many
  // decisions.
  Result<int64_t> erase_address_here(const std::string& address, int64_t made_until);
  // Every distinct address this node holds (decisions, and submissions when attached), as stored.
  Result<std::vector<std::string>> known_addresses();
  // The addresses this node holds whose email_digest() is `digest`.
  Result<std::vector<std::string>> addresses_with_digest(const std::string& digest);

  // The site's erasures, read from Redis into erasures_: `again`, or once
  // per process. Error: Redis did not answer.
  Status load_erasures(bool again);
  void note_erasure(const std::string& digest, int64_t erased_at);
  ErasureTimes known_erasures() const;
  // `decisions` without those an erasure made after them covers (counted, logged).
  std::vector<FeedbackRecord> without_erased(std::vector<FeedbackRecord> decisions);
  // Erases what this node holds that the known erasures cover: for each
  // erased address, erase_address_here() up to its erasure. Returns how
  // many decisions.
  Result<int64_t> apply_erasures_here();
  // The snapshot `text` without the decisions that mention `email`.
  static Result<std::string> snapshot_without(const std::string& text, std::string_view email);
  void refresh_learner();

  // EventSink: what the stream asks of its owner.
  AppliedEvent apply(const StreamEvent& event) override;
  void applied(int count) override;
  Result<std::string> snapshot(const std::string& covers) override;
  SnapshotLoad load_snapshot(std::string_view snapshot, const std::string& covers, bool merge) override;
  // The decisions in effect here, as a merge event (a node joining with its own).
  Result<std::optional<StreamEvent>> own_history() override;
  // The kept events without the decisions an erasure made since covers.
  Result<std::vector<std::optional<StreamEvent>>> publishable(const std::vector<StreamEvent>& kept) override;

  FeedbackLog& log_;
  Learner* learner_;
  const Clock& clock_;
  RedisLink* redis_ = nullptr;           // null: one machine
  std::unique_ptr<EventStream> stream_;  // null: one machine
  SubmissionLog* submissions_ = nullptr;
  FuzzyMemory* fuzzy_ = nullptr;
  mutable std::mutex erasures_mutex_;   // guards erasures_ and erasures_loaded_
  ErasureTimes erasures_;               // the site's erasures known here
  bool erasures_loaded_ = false;        // read from Redis in this process
  std::atomic<bool> submissions_unchecked_{false};  // erasures applied before submissions_ was attached
  std::atomic<uint64_t> erased_dropped_{0}, erasures_malformed_{0};
};

}  // namespace spamgate

// FeedbackChannel: the one way the owner's decisions reach the feedback log
// (clicks, history imports, review decisions, privacy erasures, the CLI).
// It maps each decision to a learning event (learning/learning_event.h) and
// applies it to the log, to FUZZY's examples and to the submissions an
// erasure names, then refreshes the learner: a caller never refreshes it.
// On one machine it applies the event here. With [shared] redis the events
// travel on the shared event stream (shared/event_stream.h), which every
// node applies in the same order, so every node's log and model agree;
// while Redis is away a decision is applied here at once and published
// later: nothing a person decided is lost.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "learning/learner.h"
#include "learning/learning_event.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "shared/event_stream.h"
#include "shared/redis_link.h"
#include "store/feedback_log.h"
#include "store/submission_log.h"

namespace spamgate {

class FeedbackChannel final : private EventSink {
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

  // As FeedbackLog's methods of the same names, and the learner is
  // refreshed before they return; with shared state they return once this
  // node has applied the decision (and every decision the stream holds
  // before it). With shared state forget_email publishes the address's
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
  bool shared() const { return stream_ != nullptr; }

 private:
  FeedbackChannel(FeedbackLog& log, Learner* learner) : log_(log), learner_(learner) {}

  // Applies `event` here or through the stream, then refreshes the learner.
  Result<int64_t> decide(const LearningEvent& event);
  Result<int64_t> apply_event(const LearningEvent& event);
  Result<int64_t> apply_to_log(const LearningEvent& event);
  // What an applied event teaches or unteaches FUZZY.
  void apply_to_fuzzy(const LearningEvent& event, const std::vector<std::string>& erased_addresses);
  // The addresses this node holds whose email_digest() is `digest`.
  Result<std::vector<std::string>> addresses_with_digest(const std::string& digest);
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

  FeedbackLog& log_;
  Learner* learner_;
  std::unique_ptr<EventStream> stream_;  // null: one machine
  SubmissionLog* submissions_ = nullptr;
  FuzzyMemory* fuzzy_ = nullptr;
};

}  // namespace spamgate

// ReviewMirror: the site's blocked submissions in one place. With [shared],
// every node copies the blocked submissions it stores (hold, reject,
// discard, with their text) and the owner's decisions on them into Redis,
// so the review list, a decision, a rescue and a privacy request give the
// same answer on every node. Rows are copied from the submission log's
// writer thread after each batch commits, never on a request's path; while
// Redis is away they wait in a bounded queue (the oldest dropped and
// counted beyond the budget) and go once it is back. A row whose address
// the site erased after it was blocked is refused by Redis (a node that was
// away during the erasure, or joins later, cannot bring it back). Everything
// read back is checked: a malformed entry is logged, counted and skipped.
// The node's own SQLite store stays the source of what the node blocked; the
// mirror is what the site's review reads while Redis answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "shared/redis_link.h"
#include "store/submission_log.h"
#include "util/metric_registry.h"
#include "util/result.h"

namespace spamgate {

struct ReviewMirrorOptions {
  int retention_days = 30;        // a mirrored row lives as long as the store keeps it ([store] retention_days)
  size_t pending_budget = 20000;  // rows and decisions waiting for Redis; beyond it the oldest are dropped
  size_t rows_per_call = 256;     // rows per script call
  // Tests only: runs in push() after each send, before its outcome takes
  // the sent rows or decision off the queue (another thread's call placed here).
  std::function<void()> after_send = nullptr;
};

class ReviewMirror {
 public:
  // `redis` must outlive the mirror.
  ReviewMirror(RedisLink& redis, ReviewMirrorOptions options);

  // Queues the blocked rows of a batch the log just committed (rows without
  // kept text are left out: they have nothing to review). Thread-safe, no I/O.
  void offer(const std::vector<SubmissionRecord>& rows);

  // Where this node's own blocked rows come from (its store: those created
  // at or after `since`, with their decisions), to copy them again when
  // Redis comes back without them (it lost its data) or has never had them
  // (the node's first start with [shared]). Thread-safe: it may be set
  // while the log's writer already pushes (the log it reads from is opened
  // after the mirror); until then push() copies nothing and checks again
  // on its next call.
  using OwnRows = std::function<Result<std::vector<SubmissionRecord>>(int64_t since)>;
  void copy_own_rows_from(OwnRows own_rows);

  // Copies this node's own rows again when Redis lacks them (see above),
  // then sends what is queued, rows first, then decisions, one script call
  // per `rows_per_call` rows. Stops at the first failure and keeps the rest
  // for the next call. Meant for one thread (the log writer's).
  Status push(int64_t now);

  // The review list as SubmissionLog::review answers it, for every node's
  // rows (not_kept stays empty: the mirror holds only kept texts).
  // ReviewQuery::actions must be one blocked action or all three.
  // Error: Redis did not answer (the caller answers from its own store).
  Result<ReviewPage> review(const ReviewQuery& query, int64_t now);

  // The mirrored row `id` with its decision, or nullopt when it is not mirrored.
  Result<std::optional<SubmissionRecord>> find(const std::string& id);

  // Records `decision` ("ham" | "spam") on row `id` for the site. nullopt
  // when the row is not mirrored. When Redis fails or the row is not there
  // (yet), the decision is queued and applied after the rows waiting with it.
  Result<std::optional<ReviewDecision>> decide(const std::string& id, const std::string& decision, int64_t now);

  // Claims the rescue of row `id` for the site: true for the first node to
  // ask, false for every later one. Error: Redis did not answer.
  Result<bool> claim_delivery(const std::string& id);
  // Gives the claim back (the message could not be queued).
  Status release_delivery(const std::string& id);

  // The mirrored rows whose address is `email`, newest first, at most `limit`.
  Result<std::vector<SubmissionRecord>> by_email(const std::string& email, int limit);
  // Deletes the mirrored rows whose address is `email`. Returns how many.
  Result<int64_t> erase_email(const std::string& email);

  uint64_t pending() const;
  uint64_t dropped() const { return dropped_.load(); }      // queued, then dropped over the budget
  uint64_t malformed() const { return malformed_.load(); }  // entries read back or sent that did not decode
  uint64_t mirrored() const { return mirrored_.load(); }    // rows stored in Redis
  uint64_t erased() const { return erased_.load(); }        // rows refused: their address was erased since
  // The counts above as spamgate_review_mirror_*. The mirror must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

 private:
  struct PendingDecision {
    std::string id, decision;
    int64_t decided_at = 0;
  };
  // What push() is sending from the front of a queue: `queued` items still
  // there, `trimmed` ones trim_pending() took off the queue meanwhile (they
  // are mirrored if the send succeeds, dropped if it fails).
  struct InFlight {
    size_t queued = 0, trimmed = 0;
  };
  std::string prefix() const { return redis_.key("review:"); }
  int64_t retention_seconds() const { return int64_t{options_.retention_days} * 86400; }
  void trim_pending();  // pending_mutex_ held
  // A send from the front of the rows' (or the decisions') queue ended:
  // sent, its items leave the queue; failed, they stay for the next push.
  void settle_sending(bool rows, bool sent);  // pending_mutex_ held
  Status copy_own_rows_if_missing(int64_t now);
  Status send_rows(const std::vector<std::string>& rows, int64_t now);
  Status push_rows(int64_t now);
  Status push_decisions();
  Result<RedisReply> run_decide(const std::string& id, const std::string& decision, int64_t now);
  // A page item {id, row, decision, decided_at} as a record, or nullopt (logged, counted) when malformed.
  std::optional<SubmissionRecord> read_item(const RedisReply& item);
  Result<std::vector<SubmissionRecord>> read_items(const RedisReply& items);

  RedisLink& redis_;
  ReviewMirrorOptions options_;
  OwnRows own_rows_;  // guarded by pending_mutex_
  mutable std::mutex pending_mutex_;  // guards own_rows_ and the pending queues
  std::deque<std::string> pending_rows_;  // encoded
  std::deque<PendingDecision> pending_decisions_;
  InFlight rows_sending_, decisions_sending_;  // guarded by pending_mutex_
  std::atomic<uint64_t> dropped_{0}, malformed_{0}, mirrored_{0}, erased_{0};
};

}  // namespace spamgate

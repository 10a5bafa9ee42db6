// SharedHistory: the SubmissionHistory of a node among several — RATE_IP
// buckets and DUPLICATE body hashes in Redis, so a bot that spreads its
// posts over the nodes gets one node's allowance and the same text is
// seen once. A request that waits for the answers asks them in one script
// call: one round trip. A request whose verdict they cannot change
// (record()) does not wait: its writes join the next call of the
// HistoryWriteQueue, with other such requests' writes. Every call also
// updates this node's own history, which answers whenever Redis does not
// (down, slow, a malformed answer): no request waits or fails because of Redis.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "scoring/history.h"
#include "shared/history_write_queue.h"
#include "shared/redis_link.h"
#include "util/metric_registry.h"

namespace spamgate {

struct SharedHistoryOptions {
  int hash_keep_seconds = 86400;  // body hashes stay in Redis for max(window, this)
  // record() queues the writes and answers from the node's own history at
  // once; false: it waits for Redis as answer() does.
  bool defer_decided = true;
};

class SharedHistory final : public SubmissionHistory {
 public:
  // `redis` and `local` must outlive this.
  SharedHistory(RedisLink& redis, SubmissionHistory& local, SharedHistoryOptions options = {});

  HistoryAnswers answer(const HistoryQuestions& questions, TimePoint now) override;
  // With defer_decided: this node's own answers (a lower bound of the
  // site's), the site's copy written within milliseconds.
  HistoryAnswers record(const HistoryQuestions& questions, TimePoint now) override;
  bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) override;
  bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) override;

  // Returns once the writes record() queued so far are in Redis (or dropped).
  void flush_writes();
  const HistoryWriteQueueCounters& write_counters() const;
  // Answers from Redis skipped as malformed, waiting or not.
  uint64_t malformed() const { return malformed_.load() + write_counters().malformed.load(); }
  // spamgate_shared_history_*: requests that did not wait, their script
  // calls, writes dropped, malformed answers. This must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

 private:
  RedisLink& redis_;
  SubmissionHistory& local_;
  SharedHistoryOptions options_;
  std::atomic<uint64_t> malformed_{0};  // answers to waiting requests
  std::unique_ptr<HistoryWriteQueue> writes_;  // with defer_decided
};

}  // namespace spamgate

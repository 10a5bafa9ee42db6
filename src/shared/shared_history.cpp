#include "shared/shared_history.h"

#include "shared/history_script.h"

namespace spamgate {

SharedHistory::SharedHistory(RedisLink& redis, SubmissionHistory& local, SharedHistoryOptions options)
    : redis_(redis), local_(local), options_(options) {
  if (options_.defer_decided) writes_ = std::make_unique<HistoryWriteQueue>(redis_);
}

HistoryAnswers SharedHistory::answer(const HistoryQuestions& questions, TimePoint now) {
  const HistoryAnswers local = local_.answer(questions, now);
  HistoryScriptCall call;
  add_to_call(call, history_script_entry(redis_, questions, now, options_.hash_keep_seconds));
  Result<RedisReply> reply = redis_.eval(history_script(), call.keys, call.args);
  if (!reply) return local;
  const HistoryScriptAnswer shared = history_script_answer(*reply, 0);
  if (shared.malformed) {
    count_malformed(malformed_, 1, "shared history");
    return local;
  }
  return shared.answers;
}

HistoryAnswers SharedHistory::record(const HistoryQuestions& questions, TimePoint now) {
  if (!writes_) return answer(questions, now);
  const HistoryAnswers local = local_.answer(questions, now);
  writes_->push(history_script_entry(redis_, questions, now, options_.hash_keep_seconds));
  return local;
}

bool SharedHistory::take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) {
  HistoryQuestions questions;
  questions.rate = {ip, per_minute, burst};
  return !answer(questions, now).rate_limited;
}

bool SharedHistory::seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) {
  HistoryQuestions questions;
  questions.duplicate = {body_hash, window_seconds};
  return answer(questions, now).duplicate;
}

void SharedHistory::flush_writes() {
  if (writes_) writes_->flush();
}

const HistoryWriteQueueCounters& SharedHistory::write_counters() const {
  static const HistoryWriteQueueCounters none;
  return writes_ ? writes_->counters() : none;
}

void SharedHistory::register_metrics(MetricRegistry& metrics) const {
  metrics.add_external("spamgate_shared_history_deferred_total",
                       "Submissions whose RATE_IP and DUPLICATE writes went to Redis without the request waiting "
                       "(the verdict was already reached)",
                       "counter", [this] { return static_cast<double>(write_counters().queued.load()); });
  metrics.add_external("spamgate_shared_history_deferred_calls_total",
                       "Script calls that carried those writes (many submissions' to a call)", "counter",
                       [this] { return static_cast<double>(write_counters().calls.load()); });
  metrics.add_external("spamgate_shared_history_deferred_dropped_total",
                       "Deferred writes lost: the queue was full or Redis did not answer (this node's own state has them)",
                       "counter", [this] { return static_cast<double>(write_counters().dropped.load()); });
  metrics.add_external("spamgate_shared_history_malformed_total",
                       "RATE_IP and DUPLICATE answers from Redis that made no sense (a key holding something else), skipped",
                       "counter", [this] { return static_cast<double>(malformed()); });
}

}  // namespace spamgate

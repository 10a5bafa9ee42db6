#include "shared/history_write_queue.h"

#include <utility>

namespace spamgate {

HistoryWriteQueue::HistoryWriteQueue(RedisLink& redis, size_t capacity, size_t per_call,
                                     std::chrono::milliseconds linger)
    : redis_(redis), capacity_(capacity), per_call_(per_call), linger_(linger), sender_([this] { run(); }) {}

HistoryWriteQueue::~HistoryWriteQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  sender_.join();
}

bool HistoryWriteQueue::push(HistoryScriptEntry entry) {
  std::unique_lock lock(mutex_);
  if (waiting_ >= capacity_) {
    ++counters_.dropped;
    return false;
  }
  const bool opens = calls_.empty() || calls_.back().call.entries >= per_call_;
  if (opens) calls_.push_back({{}, Clock::now()});
  add_to_call(calls_.back().call, std::move(entry));
  ++waiting_;
  ++pushed_;
  ++counters_.queued;
  // Wake the sender only when it sleeps with nothing to send, or lingers on
  // a call that just filled: while a call is open or out, what comes
  // meanwhile joins it (or the next) without a wake-up per request.
  const bool wake = sender_idle_ || (opens && calls_.size() == 2);
  sender_idle_ = false;
  lock.unlock();
  if (wake) wake_.notify_one();
  return true;
}

void HistoryWriteQueue::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = pushed_;
  ++flushing_;
  wake_.notify_one();
  done_.wait(lock, [&] { return finished_ >= target; });
  --flushing_;
}

bool HistoryWriteQueue::front_ready(Clock::time_point now) const {
  return stopping_ || flushing_ > 0 || calls_.size() > 1 || now >= calls_.front().opened + linger_;
}

void HistoryWriteQueue::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (calls_.empty()) {
      if (stopping_) return;
      sender_idle_ = true;
      wake_.wait(lock, [this] { return !calls_.empty() || stopping_; });
      sender_idle_ = false;
      continue;
    }
    if (!front_ready(Clock::now())) {  // let the call fill for the rest of its linger
      wake_.wait_until(lock, calls_.front().opened + linger_, [this] { return front_ready(Clock::now()); });
      continue;
    }
    HistoryScriptCall call = std::move(calls_.front().call);
    calls_.pop_front();
    waiting_ -= call.entries;
    lock.unlock();
    send(call);
    lock.lock();
    finished_ += call.entries;
    done_.notify_all();
  }
}

void HistoryWriteQueue::send(const HistoryScriptCall& call) {
  ++counters_.calls;
  Result<RedisReply> reply = redis_.eval(history_script(), call.keys, call.args);
  if (!reply) {  // Redis down or failing: the node's own history has these writes
    counters_.dropped += call.entries;
    return;
  }
  uint64_t malformed = 0;
  for (size_t i = 0; i < call.entries; ++i) malformed += history_script_answer(*reply, i).malformed ? 1 : 0;
  count_malformed(counters_.malformed, malformed, "shared history writes");
}

}  // namespace spamgate

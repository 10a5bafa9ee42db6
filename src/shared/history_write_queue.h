// HistoryWriteQueue: the RATE_IP and DUPLICATE writes of requests that do
// not wait for Redis (their verdict cannot change), sent by one thread of
// its own: a call is left open for a few milliseconds (the linger) after
// its first write, and everything queued meanwhile, or while the previous
// call was out, goes in one history script call. So Redis runs one script
// for many requests, the sender wakes once per call rather than once per
// request, and no request thread waits for them. Bounded: when full, or
// when Redis is down, a write is dropped and counted (the node's own
// history has it).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "shared/history_script.h"
#include "shared/redis_link.h"

namespace spamgate {

struct HistoryWriteQueueCounters {
  std::atomic<uint64_t> queued{0};     // writes accepted
  std::atomic<uint64_t> calls{0};      // script calls sent for them
  std::atomic<uint64_t> dropped{0};    // writes lost: the queue was full, or the call failed
  std::atomic<uint64_t> malformed{0};  // writes Redis skipped (a key held something else) or answered nonsense to
};

// How long a call stays open for more writes after its first: a write
// reaches Redis at most this plus one round trip after it was queued.
inline constexpr std::chrono::milliseconds kHistoryWriteLinger{5};

class HistoryWriteQueue {
 public:
  // `redis` must outlive this. At most `capacity` writes wait; one call
  // carries at most `per_call` of them, and is sent once full or `linger`
  // after its first write, whichever comes first.
  explicit HistoryWriteQueue(RedisLink& redis, size_t capacity = 10000, size_t per_call = 256,
                             std::chrono::milliseconds linger = kHistoryWriteLinger);
  // Sends what is queued (when Redis answers), then stops the thread.
  ~HistoryWriteQueue();
  HistoryWriteQueue(const HistoryWriteQueue&) = delete;
  HistoryWriteQueue& operator=(const HistoryWriteQueue&) = delete;

  // Queues one request's write and returns at once. False when the queue is
  // full: the write is dropped and counted.
  bool push(HistoryScriptEntry entry);
  // Returns once every write queued before the call was sent (and answered)
  // or dropped; a call left open for the linger is sent at once.
  void flush();
  const HistoryWriteQueueCounters& counters() const { return counters_; }

 private:
  using Clock = std::chrono::steady_clock;
  // A call being filled, and when its first write came.
  struct OpenCall {
    HistoryScriptCall call;
    Clock::time_point opened;
  };
  void run();
  // With mutex_ held: whether the front call goes now (full, due, or asked for by flush() or stop).
  bool front_ready(Clock::time_point now) const;
  void send(const HistoryScriptCall& call);

  RedisLink& redis_;
  const size_t capacity_;
  const size_t per_call_;
  const std::chrono::milliseconds linger_;
  HistoryWriteQueueCounters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;  // the sender: work, or stop
  std::condition_variable done_;  // flush(): `finished_` moved
  std::deque<OpenCall> calls_;  // the writes waiting, per_call_ to a call at most; only the last one grows
  size_t waiting_ = 0;                   // writes in calls_
  uint64_t pushed_ = 0;    // writes ever queued
  uint64_t finished_ = 0;  // of those, sent or dropped
  bool sender_idle_ = false;
  int flushing_ = 0;  // flush() callers waiting: the linger is cut short
  bool stopping_ = false;
  std::thread sender_;  // last: starts once the members above exist
};

}  // namespace spamgate

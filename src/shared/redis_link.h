// RedisLink: this node's connections to the Redis that holds the shared
// state, and its judgement of whether Redis is usable. A request never
// waits on Redis longer than twice the timeout (the batch before its own,
// then its own); after a failure Redis counts as
// down, every call fails at once (the caller then uses local state), one
// warning is logged, and one caller at a time probes again with backoff
// (100 ms doubling to 2 s) until a call succeeds and it says so. Safe to
// call from many threads: calls made at the same time share one connection
// and one round trip (the first caller writes every waiting command in one
// pipeline and hands each caller its reply), so Redis reads, and this node
// writes, once per batch rather than once per request.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "shared/redis_url.h"
#include "util/metric_registry.h"
#include "util/result.h"

struct redisContext;

namespace spamgate {

struct RedisReply {
  enum class Type { nil, integer, string, status, array };
  Type type = Type::nil;
  int64_t integer = 0;
  std::string str;  // string and status replies
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::nil; }
};

// A Lua script run with EVALSHA (sent in full once when Redis lacks it).
struct RedisScript {
  explicit RedisScript(std::string source);
  std::string source;
  std::string sha1;  // lowercase hex
};

struct RedisLinkOptions {
  RedisEndpoint endpoint;
  std::string password;  // AUTH; the URL's own password wins
  std::chrono::milliseconds timeout{10};
  std::string key_prefix = "spamgate:";
  std::string node;      // this node's name
  bool log_changes = true;  // log "unavailable" / "resumed" (serve); a CLI command reports for itself
  std::string purpose = "shared state";  // what the log lines name: "<purpose> unavailable" / "resumed"
};

struct RedisLinkCounters {
  std::atomic<uint64_t> round_trips{0};  // commands sent on the shared connection (the blocking reader's excepted)
  std::atomic<uint64_t> batches{0};      // pipelines written on it: the real round trips
  std::atomic<uint64_t> fallbacks{0};  // calls that failed, so the caller used local state
  std::atomic<uint64_t> outages{0};    // times Redis went from up to down
};

class RedisLink {
 public:
  explicit RedisLink(RedisLinkOptions options);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Runs one command. Error: Redis is down (at once), the connection
  // failed or timed out, or Redis answered with an error reply.
  Result<RedisReply> run(const std::vector<std::string>& argv);
  // Runs `script` with `keys` and `args` (EVALSHA, then EVAL on NOSCRIPT).
  Result<RedisReply> eval(const RedisScript& script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);
  // Runs a command that blocks in Redis for up to `block` (XREAD BLOCK) on
  // a connection of its own, so it never holds up requests.
  Result<RedisReply> run_blocking(const std::vector<std::string>& argv, std::chrono::milliseconds block);
  // PING; the round trip in milliseconds (also kept as last_round_trip_ms).
  Result<double> ping();

  bool up() const { return !down_.load(); }
  double last_round_trip_ms() const { return round_trip_ms_.load(); }
  // `name` in this site's key space: key_prefix + name.
  std::string key(std::string_view name) const { return options_.key_prefix + std::string(name); }
  const std::string& node() const { return options_.node; }
  const std::string& display() const { return options_.endpoint.display; }
  const RedisLinkCounters& counters() const { return counters_; }
  // Whether Redis answers, the last round trip and the counters above, as
  // spamgate_shared_*. The link must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

 private:
  using Clock = std::chrono::steady_clock;
  // A command waiting for its batch; the caller sleeps on `wake`.
  struct Waiter {
    const std::vector<std::string>* argv = nullptr;
    Result<RedisReply> reply = Error{"not sent"};
    bool answered = false;
    bool leads = false;  // this caller writes the next batch
    std::condition_variable wake;
  };
  Result<redisContext*> connect(std::chrono::milliseconds timeout);
  Result<RedisReply> exchange(redisContext* context, const std::vector<std::string>& argv, bool& broken,
                              bool& timed_out);
  // Writes `batch` as one pipeline on the shared connection and fills each
  // waiter's reply (every one gets the error when the connection fails).
  void send_batch(const std::vector<Waiter*>& batch);
  bool may_try();
  void succeeded();
  // A connection failed. `made_in` is the outage count when it was made: a
  // connection from before the latest outage failing is part of that
  // outage (already counted and logged), not a new one.
  void failed(const std::string& error, bool timed_out, uint64_t made_in);

  RedisLinkOptions options_;
  RedisLinkCounters counters_;
  std::atomic<bool> down_{false};
  std::atomic<double> round_trip_ms_{0};

  // A connection and the outage count when it was made.
  struct Connection {
    redisContext* context = nullptr;
    uint64_t made_in = 0;
  };
  std::mutex queue_mutex_;  // guards queued_ and leader_busy_
  std::vector<Waiter*> queued_;
  bool leader_busy_ = false;  // a caller is writing a batch; the queued wait for it
  Connection shared_;         // touched only by the caller writing a batch

  std::mutex blocking_mutex_;
  Connection blocking_;

  std::mutex health_mutex_;
  bool probing_ = false;
  Clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{100};
  std::atomic<int> timeouts_in_a_row_{0};
};

}  // namespace spamgate

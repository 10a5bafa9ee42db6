#include "shared/redis_link.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cerrno>

#include "util/hex.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kLongestBackoff = std::chrono::milliseconds(2000);
constexpr int kTimeoutsBeforeDown = 3;  // one slow answer is not an outage

timeval timeval_of(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisReply convert(const redisReply* reply) {
  RedisReply out;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.type = reply->type == REDIS_REPLY_STRING ? RedisReply::Type::string : RedisReply::Type::status;
      out.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      out.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) out.elements.push_back(convert(reply->element[i]));
      break;
    default:
      break;
  }
  return out;
}

// Queues `argv` in the context's output buffer (sent by the next read).
void append_command(redisContext* context, const std::vector<std::string>& argv) {
  std::vector<const char*> parts;
  std::vector<size_t> lengths;
  parts.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const std::string& arg : argv) {
    parts.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context, static_cast<int>(argv.size()), parts.data(), lengths.data());
}

// Sends what is queued, then reads the next reply. `broken`: the connection
// failed (`timed_out`: by the timeout) and must not be used again.
Result<RedisReply> read_reply(redisContext* context, bool& broken, bool& timed_out) {
  errno = 0;
  void* raw = nullptr;
  if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
    broken = true;
    timed_out = context->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    return Error{timed_out ? std::string("timed out") : std::string(context->errstr)};
  }
  auto* reply = static_cast<redisReply*>(raw);
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string error(reply->str, reply->len);
    freeReplyObject(reply);
    return Error{error};
  }
  RedisReply out = convert(reply);
  freeReplyObject(reply);
  return out;
}

}  // namespace

RedisScript::RedisScript(std::string text) : source(std::move(text)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source.data()), source.size(), digest);
  sha1 = to_hex(digest, sizeof digest);
}

RedisLink::RedisLink(RedisLinkOptions options) : options_(std::move(options)) {
  if (!options_.endpoint.password.empty()) options_.password = options_.endpoint.password;
}

void RedisLink::register_metrics(MetricRegistry& metrics) const {
  metrics.add_external("spamgate_shared_redis_up", "1 while Redis answers; 0 while this node uses its local state",
                       "gauge", [this] { return up() ? 1.0 : 0.0; });
  metrics.add_external("spamgate_shared_round_trip_seconds", "The last Redis PING round trip", "gauge",
                       [this] { return last_round_trip_ms() / 1000.0; });
  metrics.add_external("spamgate_shared_fallbacks_total", "Redis calls that failed, so local state answered",
                       "counter", [this] { return static_cast<double>(counters_.fallbacks.load()); });
  metrics.add_external("spamgate_shared_round_trips_total", "Commands this node sent to Redis and waited for",
                       "counter", [this] { return static_cast<double>(counters_.round_trips.load()); });
  metrics.add_external("spamgate_shared_batches_total",
                       "Pipelines this node wrote to Redis: commands issued at the same time share one", "counter",
                       [this] { return static_cast<double>(counters_.batches.load()); });
  metrics.add_external("spamgate_shared_outages_total", "Times Redis went from answering to not", "counter",
                       [this] { return static_cast<double>(counters_.outages.load()); });
}

RedisLink::~RedisLink() {
  if (shared_.context != nullptr) redisFree(shared_.context);
  if (blocking_.context != nullptr) redisFree(blocking_.context);
}

Result<redisContext*> RedisLink::connect(std::chrono::milliseconds timeout) {
  const timeval tv = timeval_of(options_.timeout);
  redisContext* context = options_.endpoint.unix_path.empty()
                              ? redisConnectWithTimeout(options_.endpoint.host.c_str(), options_.endpoint.port, tv)
                              : redisConnectUnixWithTimeout(options_.endpoint.unix_path.c_str(), tv);
  if (context == nullptr) return Error{"cannot allocate a Redis connection"};
  if (context->err != 0) {
    std::string error = context->errstr;
    redisFree(context);
    return Error{"connect: " + error};
  }
  redisSetTimeout(context, timeval_of(timeout));
  const auto setup = [&](const std::vector<std::string>& argv) -> Status {
    bool broken = false, timed_out = false;
    Result<RedisReply> reply = exchange(context, argv, broken, timed_out);
    return reply ? Status::success() : Status{Error{argv.front() + ": " + reply.error()}};
  };
  Status ready = Status::success();
  if (!options_.password.empty()) ready = setup({"AUTH", options_.password});
  if (ready && options_.endpoint.db != 0) ready = setup({"SELECT", std::to_string(options_.endpoint.db)});
  if (!ready) {
    redisFree(context);
    return Error{ready.error()};
  }
  return context;
}

Result<RedisReply> RedisLink::exchange(redisContext* context, const std::vector<std::string>& argv, bool& broken,
                                       bool& timed_out) {
  append_command(context, argv);
  return read_reply(context, broken, timed_out);
}

bool RedisLink::may_try() {
  if (!down_.load()) return true;
  std::lock_guard lock(health_mutex_);
  if (probing_ || Clock::now() < retry_at_) return false;
  probing_ = true;  // this caller probes; the others keep failing at once
  return true;
}

void RedisLink::succeeded() {
  if (!down_.load() && timeouts_in_a_row_.load() == 0) return;  // the common case takes no lock
  std::lock_guard lock(health_mutex_);
  timeouts_in_a_row_ = 0;
  if (!down_.load()) return;
  down_ = false;
  probing_ = false;
  backoff_ = kFirstBackoff;
  if (options_.log_changes) LogLine("info").add("msg", options_.purpose + " resumed").add("redis", display()).add("node", node()).write();
}

void RedisLink::failed(const std::string& error, bool timed_out, uint64_t made_in) {
  {
    std::lock_guard lock(health_mutex_);
    if (!down_.load() && made_in != counters_.outages.load()) return;  // left over from an outage Redis is back from
    probing_ = false;
    if (timed_out && !down_.load() && ++timeouts_in_a_row_ < kTimeoutsBeforeDown) return;
    if (!down_.load()) {
      down_ = true;
      ++counters_.outages;
      backoff_ = kFirstBackoff;
      if (options_.log_changes)
        LogLine("warn")
            .add("msg", options_.purpose + " unavailable; using this node's local state")
            .add("redis", display())
            .add("node", node())
            .add("error", error)
            .write();
    }
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kLongestBackoff));
  }
}

Result<RedisReply> RedisLink::run(const std::vector<std::string>& argv) {
  if (!may_try()) {
    ++counters_.fallbacks;
    return Error{"Redis is down"};
  }
  Waiter me;
  me.argv = &argv;
  std::unique_lock lock(queue_mutex_);
  queued_.push_back(&me);
  if (leader_busy_) me.wake.wait(lock, [&me] { return me.answered || me.leads; });
  if (me.answered) return std::move(me.reply);
  // This caller writes everything queued so far, itself included.
  leader_busy_ = true;
  std::vector<Waiter*> batch;
  batch.swap(queued_);
  lock.unlock();
  send_batch(batch);
  lock.lock();
  for (Waiter* waiter : batch) {
    waiter->answered = true;
    if (waiter != &me) waiter->wake.notify_one();
  }
  if (queued_.empty()) {
    leader_busy_ = false;
  } else {  // those who queued meanwhile: the first writes their batch
    queued_.front()->leads = true;
    queued_.front()->wake.notify_one();
  }
  return std::move(me.reply);
}

void RedisLink::send_batch(const std::vector<Waiter*>& batch) {
  const auto fail_all = [&](const std::string& error, bool timed_out, size_t from) {
    for (size_t i = from; i < batch.size(); ++i) batch[i]->reply = Error{error};
    counters_.fallbacks += batch.size() - from;
    failed(error, timed_out, shared_.made_in);
  };
  if (shared_.context != nullptr && shared_.made_in != counters_.outages.load()) {
    redisFree(shared_.context);  // made before an outage: never reuse it
    shared_ = Connection{};
  }
  if (shared_.context == nullptr) {
    shared_.made_in = counters_.outages.load();
    Result<redisContext*> connected = connect(options_.timeout);
    if (!connected) return fail_all(connected.error(), false, 0);
    shared_.context = *connected;
  }
  ++counters_.batches;
  counters_.round_trips += batch.size();
  for (const Waiter* waiter : batch) append_command(shared_.context, *waiter->argv);
  for (size_t i = 0; i < batch.size(); ++i) {
    bool broken = false, timed_out = false;
    batch[i]->reply = read_reply(shared_.context, broken, timed_out);
    if (broken) {
      const std::string error = batch[i]->reply.error();
      redisFree(shared_.context);
      shared_.context = nullptr;
      return fail_all(error, timed_out, i);
    }
  }
  succeeded();  // an error reply still proves Redis answers
}

Result<RedisReply> RedisLink::eval(const RedisScript& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVALSHA", script.sha1, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  Result<RedisReply> reply = run(argv);
  if (reply || reply.error().rfind("NOSCRIPT", 0) != 0) return reply;
  argv[0] = "EVAL";
  argv[1] = script.source;
  return run(argv);
}

Result<RedisReply> RedisLink::run_blocking(const std::vector<std::string>& argv, std::chrono::milliseconds block) {
  std::lock_guard lock(blocking_mutex_);
  if (!up() || (blocking_.context != nullptr && blocking_.made_in != counters_.outages.load())) {
    // Down, or back from an outage this connection was made before: the
    // request path probes; this connection is made again once Redis is up.
    if (blocking_.context != nullptr) redisFree(blocking_.context);
    blocking_ = Connection{};
    if (!up()) return Error{"Redis is down"};
  }
  if (blocking_.context == nullptr) {
    const uint64_t made_in = counters_.outages.load();
    Result<redisContext*> connected = connect(block + options_.timeout + std::chrono::milliseconds(1000));
    if (!connected) {
      failed(connected.error(), false, made_in);
      return Error{connected.error()};
    }
    blocking_ = Connection{*connected, made_in};
  }
  bool broken = false, timed_out = false;
  Result<RedisReply> reply = exchange(blocking_.context, argv, broken, timed_out);
  if (broken) {
    const uint64_t made_in = blocking_.made_in;
    redisFree(blocking_.context);
    blocking_ = Connection{};
    failed(reply.error(), false, made_in);
  }
  return reply;
}

Result<double> RedisLink::ping() {
  const auto start = Clock::now();
  Result<RedisReply> reply = run({"PING"});
  if (!reply) return Error{reply.error()};
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  round_trip_ms_ = ms;
  return ms;
}

}  // namespace spamgate

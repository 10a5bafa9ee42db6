// The Lua script behind SharedHistory: RATE_IP's bucket and DUPLICATE's
// body key for any number of requests in one EVALSHA, so a request that
// waits costs one script call, and the writes of many requests that need
// not wait cost one call together. Only encodes and decodes; the caller
// sends.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "scoring/history.h"
#include "shared/redis_link.h"

namespace spamgate {

// Arguments per entry: now, rate asked (1/0), duplicate asked (1/0), the
// bucket's capacity and per-second rate, the unix second to record, the
// body key's expiry, the DUPLICATE window.
inline constexpr size_t kHistoryScriptArgs = 8;

// One request's questions as the script's keys and arguments.
struct HistoryScriptEntry {
  std::vector<std::string> keys;  // the IP's bucket when asked, then the body's key when asked
  std::vector<std::string> args;  // kHistoryScriptArgs of them
};

// What Redis answered for one entry.
struct HistoryScriptAnswer {
  HistoryAnswers answers;
  bool malformed = false;  // a key held something else, or the reply made no sense: `answers` says nothing
};

// One call of the script: entries' keys and arguments in order.
struct HistoryScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  size_t entries = 0;
};

// The script (EVALSHA'd by RedisLink::eval).
const RedisScript& history_script();

// `questions` asked at `now`, with keys under `redis`'s prefix. The body's
// key keeps its sighting for max(window, hash_keep_seconds). The entry owns
// its strings (the questions may point into a request that is gone).
HistoryScriptEntry history_script_entry(const RedisLink& redis, const HistoryQuestions& questions, TimePoint now,
                                        int hash_keep_seconds);

// Appends `entry` to `call`.
void add_to_call(HistoryScriptCall& call, HistoryScriptEntry entry);

// The answer to entry `index` of the script's reply. A reply that is not
// an array of two integers per entry leaves every entry malformed.
HistoryScriptAnswer history_script_answer(const RedisReply& reply, size_t index);

// Adds `count` to `malformed` and logs a warning at the 1st, 2nd, 4th, 8th,
// ... one (`what` names the caller), so a Redis full of junk cannot flood the log.
void count_malformed(std::atomic<uint64_t>& malformed, uint64_t count, const char* what);

}  // namespace spamgate

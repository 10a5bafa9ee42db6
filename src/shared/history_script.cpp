#include "shared/history_script.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <iterator>

#include "shared/shared_buckets.h"
#include "util/hex.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

// KEYS: each entry's bucket and body key, when asked. ARGV: each entry's
// kHistoryScriptArgs arguments (STRIDE, defined ahead of this text).
// Returns two integers per entry: the rate
// (1 taken, 0 refused) and the duplicate (1 seen within the window, 0 not);
// -1 when not asked, -2 when the key held something else (another type, a
// sighting that is no number): that entry is skipped, the others still run.
// SET ... GET records this sighting and returns the last one.
constexpr const char* kEntries = R"lua(
local function one(rate_key, body_key, a)
  local now = tonumber(ARGV[a + 1])
  local rate, seen = -1, -1
  if rate_key then
    local cap, per_second = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
    local t = refill(rate_key, cap, per_second, now)
    if t >= 1 then
      store(rate_key, cap, per_second, now, t - 1)
      rate = 1
    else
      rate = 0
    end
  end
  if body_key then
    local previous = redis.call('SET', body_key, ARGV[a + 6], 'EX', ARGV[a + 7], 'GET')
    if not previous then
      seen = 0
    elseif tonumber(previous) == nil then
      seen = -2
    else
      seen = (tonumber(ARGV[a + 6]) - tonumber(previous) < tonumber(ARGV[a + 8])) and 1 or 0
    end
  end
  return rate, seen
end
local out = {}
local k = 1
for a = 0, #ARGV - STRIDE, STRIDE do
  local rate_key, body_key
  if ARGV[a + 2] == '1' then rate_key = KEYS[k]; k = k + 1 end
  if ARGV[a + 3] == '1' then body_key = KEYS[k]; k = k + 1 end
  local ok, rate, seen = pcall(one, rate_key, body_key, a)
  if not ok then rate, seen = -2, -2 end
  out[#out + 1] = rate
  out[#out + 1] = seen
end
return out
)lua";

std::string body_key(const RedisLink& redis, uint64_t body_hash) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(body_hash >> (56 - 8 * i));
  return redis.key("dup:" + to_hex(bytes, sizeof bytes));
}

// `value` in the fewest digits that read back as the same double (Lua's
// tonumber reads them). Not std::to_string: its printf was the largest
// part of building an entry, on every request's path.
std::string decimal(double value) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, value).ptr);
}

}  // namespace

const RedisScript& history_script() {
  static const RedisScript script(lua_bucket_functions() + "local STRIDE = " + std::to_string(kHistoryScriptArgs) +
                                  "\n" + kEntries);
  return script;
}

HistoryScriptEntry history_script_entry(const RedisLink& redis, const HistoryQuestions& questions, TimePoint now,
                                        int hash_keep_seconds) {
  HistoryScriptEntry entry;
  entry.args = {decimal(std::chrono::duration<double>(now.time_since_epoch()).count()),
                questions.rate ? "1" : "0", questions.duplicate ? "1" : "0", "0", "0", "0", "0", "0"};
  if (const auto& rate = questions.rate) {
    entry.keys.push_back(redis.key("rate:" + std::string(rate->ip)));
    entry.args[3] = decimal(rate->burst);
    entry.args[4] = decimal(rate->per_minute / 60.0);
  }
  if (const auto& duplicate = questions.duplicate) {
    entry.keys.push_back(body_key(redis, duplicate->body_hash));
    entry.args[5] = std::to_string(unix_seconds(now));
    entry.args[6] = std::to_string(std::max(duplicate->window_seconds, hash_keep_seconds));
    entry.args[7] = std::to_string(duplicate->window_seconds);
  }
  return entry;
}

void add_to_call(HistoryScriptCall& call, HistoryScriptEntry entry) {
  call.keys.insert(call.keys.end(), std::make_move_iterator(entry.keys.begin()),
                   std::make_move_iterator(entry.keys.end()));
  call.args.insert(call.args.end(), std::make_move_iterator(entry.args.begin()),
                   std::make_move_iterator(entry.args.end()));
  ++call.entries;
}

HistoryScriptAnswer history_script_answer(const RedisReply& reply, size_t index) {
  HistoryScriptAnswer out;
  const auto valid = [](const RedisReply& r) {
    return r.type == RedisReply::Type::integer && r.integer >= -1 && r.integer <= 1;
  };
  if (reply.type != RedisReply::Type::array || reply.elements.size() < 2 * (index + 1) ||
      reply.elements.size() % 2 != 0 || !valid(reply.elements[2 * index]) || !valid(reply.elements[2 * index + 1])) {
    out.malformed = true;
    return out;
  }
  out.answers.rate_limited = reply.elements[2 * index].integer == 0;
  out.answers.duplicate = reply.elements[2 * index + 1].integer == 1;
  return out;
}

void count_malformed(std::atomic<uint64_t>& malformed, uint64_t count, const char* what) {
  if (count == 0) return;
  const uint64_t before = malformed.fetch_add(count);
  const uint64_t after = before + count;
  if (std::bit_width(before) == std::bit_width(after)) return;  // no power of two crossed
  LogLine("warn")
      .add("msg", std::string(what) + ": malformed answer from Redis, skipped")
      .add("malformed_total", static_cast<long long>(after))
      .write();
}

}  // namespace spamgate

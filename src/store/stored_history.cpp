#include "store/stored_history.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <tuple>

namespace spamgate {

namespace {

// How many expired entries one call may sweep, so a request never pays for
// a long cleanup; eviction by the cap keeps memory bounded regardless.
constexpr int kSweepPerCall = 8;

double unix_seconds_exact(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

StoredHistory::StoredHistory(StoredHistoryOptions options)
    : options_(options),
      ips_per_shard_(std::max<size_t>(1, options.max_ips / kShards)),
      hashes_per_shard_(std::max<size_t>(1, options.max_hashes / kShards)) {}

StoredHistory::Shard& StoredHistory::shard_for(std::string_view ip) {
  return shards_[std::hash<std::string_view>{}(ip) % kShards];
}

StoredHistory::Shard& StoredHistory::shard_for(uint64_t hash) {
  return shards_[(hash ^ (hash >> 29) ^ (hash >> 47)) % kShards];
}

void StoredHistory::trim_buckets(Shard& shard, double now) {
  for (int i = 0; i < kSweepPerCall; ++i) {
    const Bucket* oldest = shard.buckets.oldest();
    if (oldest == nullptr || oldest->full_at > now) break;
    shard.buckets.pop_oldest();
  }
  while (shard.buckets.size() > ips_per_shard_) shard.buckets.pop_oldest();
}

void StoredHistory::trim_hashes(Shard& shard, int64_t now, int window_seconds) {
  int64_t keep = std::max(options_.hash_keep_seconds, window_seconds);
  for (int i = 0; i < kSweepPerCall; ++i) {
    const Seen* oldest = shard.hashes.oldest();
    if (oldest == nullptr || now - oldest->seen_at < keep) break;
    shard.hashes.pop_oldest();
  }
  while (shard.hashes.size() > hashes_per_shard_) shard.hashes.pop_oldest();
}

bool StoredHistory::take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) {
  double t = unix_seconds_exact(now);
  Shard& shard = shard_for(ip);
  std::lock_guard lock(shard.mutex);
  std::string key(ip);
  Bucket* bucket = shard.buckets.touch(key);
  if (bucket == nullptr) {
    bucket = &shard.buckets.insert(key, Bucket{burst, t, t, false});
  } else if (t > bucket->updated_at) {
    bucket->tokens = std::min(burst, bucket->tokens + (t - bucket->updated_at) * per_minute / 60.0);
    bucket->updated_at = t;
  }
  bool allowed = bucket->tokens >= 1.0;
  if (allowed) bucket->tokens -= 1.0;
  bucket->full_at = per_minute > 0 ? bucket->updated_at + std::max(0.0, burst - bucket->tokens) * 60.0 / per_minute
                                   : std::numeric_limits<double>::infinity();
  bucket->dirty = true;
  trim_buckets(shard, t);  // never evicts `bucket`: it is the most recent
  return allowed;
}

bool StoredHistory::seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) {
  int64_t t = unix_seconds(now);
  Shard& shard = shard_for(body_hash);
  std::lock_guard lock(shard.mutex);
  Seen* seen = shard.hashes.touch(body_hash);
  bool recent = false;
  if (seen == nullptr) {
    shard.hashes.insert(body_hash, Seen{t, true});
  } else {
    recent = t - seen->seen_at < window_seconds;
    seen->seen_at = std::max(seen->seen_at, t);
    seen->dirty = true;
  }
  trim_hashes(shard, t, window_seconds);
  return recent;
}

Status StoredHistory::load(Database& db, TimePoint now) {
  Result<Statement> buckets =
      db.prepare("SELECT ip, tokens, updated_at FROM rate_limits ORDER BY updated_at DESC LIMIT ?1");
  if (!buckets) return Error{buckets.error()};
  buckets->bind(1, static_cast<int64_t>(options_.max_ips));
  std::vector<std::tuple<std::string, double, double>> bucket_rows;
  for (;;) {
    Result<bool> row = buckets->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    bucket_rows.emplace_back(buckets->column_text(0), buckets->column_double(1), buckets->column_double(2));
  }
  Result<Statement> hashes =
      db.prepare("SELECT hash, seen_at FROM body_hashes WHERE seen_at >= ?1 ORDER BY seen_at DESC LIMIT ?2");
  if (!hashes) return Error{hashes.error()};
  hashes->bind(1, unix_seconds(now) - options_.hash_keep_seconds).bind(2, static_cast<int64_t>(options_.max_hashes));
  std::vector<std::pair<uint64_t, int64_t>> hash_rows;
  for (;;) {
    Result<bool> row = hashes->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    hash_rows.emplace_back(static_cast<uint64_t>(hashes->column_int(0)), hashes->column_int(1));
  }
  // Oldest first, so the newest end up most recently used. A loaded bucket's
  // refill rate is unknown until its next use, so it never expires before.
  for (auto it = bucket_rows.rbegin(); it != bucket_rows.rend(); ++it) {
    auto& [ip, tokens, updated_at] = *it;
    Shard& shard = shard_for(ip);
    std::lock_guard lock(shard.mutex);
    if (shard.buckets.peek(ip) != nullptr) continue;
    shard.buckets.insert(ip, Bucket{tokens, updated_at, std::numeric_limits<double>::infinity(), false});
    while (shard.buckets.size() > ips_per_shard_) shard.buckets.pop_oldest();
  }
  for (auto it = hash_rows.rbegin(); it != hash_rows.rend(); ++it) {
    Shard& shard = shard_for(it->first);
    std::lock_guard lock(shard.mutex);
    if (shard.hashes.peek(it->first) != nullptr) continue;
    shard.hashes.insert(it->first, Seen{it->second, false});
    while (shard.hashes.size() > hashes_per_shard_) shard.hashes.pop_oldest();
  }
  return Status::success();
}

Status StoredHistory::persist(Database& db, TimePoint now) {
  std::vector<std::tuple<std::string, double, double>> buckets;
  std::vector<std::pair<uint64_t, int64_t>> hashes;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.buckets.for_each([&](const std::string& ip, Bucket& b) {
      if (b.dirty) buckets.emplace_back(ip, b.tokens, b.updated_at);
      b.dirty = false;
    });
    shard.hashes.for_each([&](uint64_t hash, Seen& s) {
      if (s.dirty) hashes.emplace_back(hash, s.seen_at);
      s.dirty = false;
    });
  }
  auto write = [&]() -> Status {
    Result<Transaction> tx = Transaction::begin(db);
    if (!tx) return Error{tx.error()};
    Result<Statement> put_bucket = db.prepare(
        "INSERT INTO rate_limits (ip, tokens, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (ip) DO UPDATE SET"
        " tokens = excluded.tokens, updated_at = excluded.updated_at");
    if (!put_bucket) return Error{put_bucket.error()};
    for (const auto& [ip, tokens, updated_at] : buckets) {
      put_bucket->reset();
      if (Status st = put_bucket->bind(1, ip).bind(2, tokens).bind(3, updated_at).run(); !st) return st;
    }
    Result<Statement> put_hash = db.prepare(
        "INSERT INTO body_hashes (hash, seen_at) VALUES (?1, ?2) ON CONFLICT (hash) DO UPDATE SET"
        " seen_at = max(seen_at, excluded.seen_at)");
    if (!put_hash) return Error{put_hash.error()};
    for (const auto& [hash, seen_at] : hashes) {
      put_hash->reset();
      if (Status st = put_hash->bind(1, static_cast<int64_t>(hash)).bind(2, seen_at).run(); !st) return st;
    }
    int64_t t = unix_seconds(now);
    Result<Statement> prune = db.prepare("DELETE FROM rate_limits WHERE updated_at < ?1");
    if (!prune) return Error{prune.error()};
    if (Status st = prune->bind(1, static_cast<double>(t - options_.bucket_keep_seconds)).run(); !st) return st;
    prune = db.prepare("DELETE FROM body_hashes WHERE seen_at < ?1");
    if (!prune) return Error{prune.error()};
    if (Status st = prune->bind(1, t - options_.hash_keep_seconds).run(); !st) return st;
    return tx->commit();
  };
  Status st = write();
  if (!st) {
    std::vector<std::string> ips;
    std::vector<uint64_t> hash_keys;
    for (const auto& row : buckets) ips.push_back(std::get<0>(row));
    for (const auto& row : hashes) hash_keys.push_back(row.first);
    mark_dirty(ips, hash_keys);
    return Error{"history: " + st.error()};
  }
  return st;
}

void StoredHistory::mark_dirty(const std::vector<std::string>& ips, const std::vector<uint64_t>& hashes) {
  for (const std::string& ip : ips) {
    Shard& shard = shard_for(ip);
    std::lock_guard lock(shard.mutex);
    if (Bucket* b = shard.buckets.peek(ip)) b->dirty = true;
  }
  for (uint64_t hash : hashes) {
    Shard& shard = shard_for(hash);
    std::lock_guard lock(shard.mutex);
    if (Seen* s = shard.hashes.peek(hash)) s->dirty = true;
  }
}

PeriodicTask StoredHistory::persist_task(const Clock& clock, std::chrono::milliseconds interval) {
  return {"history", interval, [this, &clock](Database& db) { return persist(db, clock.now()); }};
}

size_t StoredHistory::ip_count() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.buckets.size();
  }
  return n;
}

size_t StoredHistory::hash_count() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.hashes.size();
  }
  return n;
}

}  // namespace spamgate

// StoredHistory: the SubmissionHistory of a single spamgate process — token
// buckets per client IP and recently seen body hashes, in memory behind
// sharded mutexes, written behind to SQLite and reloaded at start so a
// restart does not hand a spammer a fresh bucket. Memory stays bounded:
// never more than the configured number of entries, oldest evicted first.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/history.h"
#include "store/database.h"
#include "store/lru_map.h"
#include "store/submission_log.h"

namespace spamgate {

struct StoredHistoryOptions {
  size_t max_ips = 100000;     // token buckets kept; the least recently used goes first
  size_t max_hashes = 100000;  // body hashes kept; the least recently seen goes first
  // Body hashes are forgotten after this long; keep it >= the longest
  // duplicate window (checks.duplicate_window_seconds).
  int hash_keep_seconds = 86400;
  // Rate-limit rows idle this long are deleted from SQLite (by then every
  // sane bucket is full again, which is the same as having no row).
  int bucket_keep_seconds = 86400;
};

class StoredHistory final : public SubmissionHistory {
 public:
  explicit StoredHistory(StoredHistoryOptions options = {});

  // See SubmissionHistory. A new IP starts with a full bucket. Thread-safe;
  // locks one shard, no I/O.
  bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) override;
  bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) override;

  // Reads the saved buckets and hashes (the newest, up to the caps) into
  // memory. Call once at start, before serving. Error: SQLite's message.
  Status load(Database& db, TimePoint now);

  // Writes every entry changed since the last persist (one transaction) and
  // deletes expired rows. Meant for the log's writer thread. On failure the
  // entries stay marked changed and are written next time.
  Status persist(Database& db, TimePoint now);

  // A SubmissionLog task that persists every `interval` (and at shutdown).
  // This StoredHistory and `clock` must outlive the SubmissionLog.
  PeriodicTask persist_task(const Clock& clock, std::chrono::milliseconds interval);

  size_t ip_count() const;    // buckets in memory
  size_t hash_count() const;  // hashes in memory

 private:
  static constexpr size_t kShards = 16;
  struct Bucket {
    double tokens = 0;
    double updated_at = 0;  // unix seconds
    double full_at = 0;     // when it is full again; after that it may be forgotten
    bool dirty = false;
  };
  struct Seen {
    int64_t seen_at = 0;  // unix seconds
    bool dirty = false;
  };
  struct Shard {
    mutable std::mutex mutex;
    LruMap<std::string, Bucket> buckets;
    LruMap<uint64_t, Seen> hashes;
  };

  Shard& shard_for(std::string_view ip);
  Shard& shard_for(uint64_t hash);
  void trim_buckets(Shard& shard, double now);
  void trim_hashes(Shard& shard, int64_t now, int window_seconds);
  void mark_dirty(const std::vector<std::string>& ips, const std::vector<uint64_t>& hashes);

  StoredHistoryOptions options_;
  size_t ips_per_shard_;
  size_t hashes_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace spamgate

// EventStream: one ordered stream of events that every node applies in the
// same order, kept in Redis (a stream under PREFIX:stream, and a snapshot
// under PREFIX:snapshot / PREFIX:snapshot_covers that the leader writes
// before trimming the stream behind it). An event is a kind and a payload
// the stream never reads: its owner (an EventSink) decodes and applies them.
// While Redis is away an event is applied here at once and kept in SQLite
// (store/event_stream_state.h) until it can be published: nothing is lost.
// Anyone who can write to that Redis can put anything there: a malformed
// entry or snapshot is skipped and counted, never fatal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "shared/redis_link.h"
#include "store/event_stream_state.h"
#include "util/result.h"

namespace spamgate {

struct StreamEvent {
  std::string kind;  // what the event is, in its owner's words
  std::string data;  // its payload, in its owner's encoding
};

// What applying one entry read from the stream came to.
struct AppliedEvent {
  bool decoded = true;                 // false: malformed, skipped (`result` says why)
  Result<int64_t> result = int64_t{0};  // the owner's answer for the event
};

// What loading the snapshot came to.
struct SnapshotLoad {
  enum class Outcome { loaded, malformed, failed };
  Outcome outcome = Outcome::loaded;
  std::string reason;  // malformed or failed: why (never quoting the snapshot)
};

// The stream's owner: applies its events and writes and loads its whole
// state as the snapshot. Called with the stream's lock held, from the
// thread that syncs or appends.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Applies one entry read back from the stream.
  virtual AppliedEvent apply(const StreamEvent& event) = 0;
  // A sync applied `count` (> 0) entries.
  virtual void applied(int count) = 0;
  // The owner's whole state as a snapshot complete up to stream id `covers`.
  virtual Result<std::string> snapshot(const std::string& covers) = 0;
  // Replaces the owner's state with `snapshot`, which must say it is
  // complete up to `covers` (else it is being replaced: failed, try again).
  // `merge`: this node has never applied the stream (it is joining), so
  // what it holds is its own history: keep it, merged with the snapshot,
  // instead of replacing it.
  virtual SnapshotLoad load_snapshot(std::string_view snapshot, const std::string& covers, bool merge) = 0;
  // This node's own history, as one event for every node to apply
  // (merging it with what they hold; this node too, after the stream's
  // older events, so the newest decision wins everywhere), when it joins
  // the stream with one; nullopt when it brings nothing. Asked once per
  // process while this node has never applied the stream, before it loads
  // the snapshot.
  virtual Result<std::optional<StreamEvent>> own_history() { return std::optional<StreamEvent>{}; }
  // The events this node kept while Redis was away, as they may be
  // published now, one for each in order: as kept, rewritten, or nullopt
  // when nothing of it may reach Redis any more (an erasure made since
  // covers all it holds). Asked each time kept events are to be published,
  // before any is. Error: none is published now (they stay kept).
  virtual Result<std::vector<std::optional<StreamEvent>>> publishable(const std::vector<StreamEvent>& kept) {
    return std::vector<std::optional<StreamEvent>>(kept.begin(), kept.end());
  }
};

// A Redis stream id "ms-seq" (or "ms") as its two numbers; nullopt for
// anything else (a number out of range included).
using StreamId = std::pair<uint64_t, uint64_t>;
std::optional<StreamId> parse_stream_id(std::string_view id);

struct EventStreamOptions {
  std::string key;         // the Redis keys' middle part: KEY:stream, KEY:snapshot ("learn")
  std::string label;       // how log lines name the stream's events ("learning")
  int snapshot_every = 0;  // compact() when the stream holds more entries than this
};

class EventStream {
 public:
  // Opens this node's cursor and pending queue in the store at `db_path`.
  // `redis` and `sink` must outlive the stream.
  static Result<std::unique_ptr<EventStream>> open(const std::string& db_path, RedisLink& redis, EventSink& sink,
                                                   EventStreamOptions options);

  // Publishes `event` and returns once this node has applied it (and every
  // entry before it): the sink's answer for it. When the stream cannot be
  // read back, `apply_here` applies it now; when Redis is away,
  // `apply_here` applies it now and the event is kept until sync()
  // publishes it.
  Result<int64_t> append(const StreamEvent& event, const std::function<Result<int64_t>()>& apply_here);

  // Publishes what was kept while Redis was away (and, when this node has
  // never applied the stream, the sink's own history), loads the snapshot
  // when this node is behind it, and applies the stream past the cursor.
  // Returns how many entries it applied.
  Result<int> sync();
  // Waits up to `wait` for new entries (a blocking read on a connection of
  // its own), then sync().
  Result<int> wait_and_sync(std::chrono::milliseconds wait);
  // The leader's job: when the stream holds more than snapshot_every
  // entries (or the snapshot is malformed), writes the sink's snapshot and
  // trims the stream behind it. Returns true when it did.
  Result<bool> compact();

  // An erasure's rewrite of one event whose payload mentions the erased
  // text: the event without what mentions it, or nullopt when nothing else
  // is left in it (it goes).
  using EraseFromEvent = std::function<std::optional<StreamEvent>(const StreamEvent& event)>;
  // An erasure: rewrites the kept events whose payload mentions `text`
  // (ASCII letters case-insensitive) with `erase_from`, so the other
  // decisions they carry are still published.
  Status erase_from_kept(const std::string& text, const EraseFromEvent& erase_from);
  // An erasure: takes `text` (ASCII letters case-insensitive) out of every
  // entry, and replaces a snapshot that mentions it with rewrite(snapshot)
  // (deletes it for the leader to rebuild when rewrite fails). A Redis
  // stream entry cannot change, so the stream from the first entry that
  // mentions it on is appended again in one script call, in order, each
  // copy rewritten by `erase_from` where it mentions `text`, and naming the
  // entry it replaces: a node that applied the original skips the copy, a
  // node behind it applies the copy in the original's place
  // (applied_original_of). An entry's node that mentions `text` becomes
  // "(erased)".
  Status scrub(const std::string& text, const EraseFromEvent& erase_from,
               const std::function<Result<std::string>(const std::string& snapshot)>& rewrite);

  // The stream id this node has applied up to ("" = none yet).
  std::string position() const;
  uint64_t events_applied() const { return applied_.load(); }
  // Entries that did not decode (skipped, the position moved past them),
  // and malformed snapshots found (ignored until the leader rebuilds).
  uint64_t events_malformed() const { return events_malformed_.load(); }
  uint64_t snapshots_malformed() const { return snapshots_malformed_.load(); }

 private:
  EventStream(std::unique_ptr<EventStreamState> state, RedisLink& redis, EventSink& sink,
              EventStreamOptions options, std::string position)
      : state_(std::move(state)), redis_(redis), sink_(sink), options_(std::move(options)),
        position_(std::move(position)) {}

  std::string key(const char* part) const { return redis_.key(options_.key + ":" + part); }
  // sync() with mutex_ held; fills `wanted_result` when it applies `wanted`.
  Result<int> sync_locked(const std::string& wanted, Result<int64_t>* wanted_result);
  void note_malformed_entry(const std::string& id, const StreamEvent& event, const std::string& node,
                            const std::string& reason);
  Status publish_kept();
  // A joining node's own history, published once; applied here too where
  // the stream holds it (merging is idempotent), after the events before it.
  Status offer_own_history();
  // True when this node had applied the entry an erasure's copy replaces
  // (the copy was made when the stream ended at `tip`): it skips the copy.
  Result<bool> applied_original_of(const std::string& replaces, const std::string& tip);
  Status load_snapshot_if_behind();
  Status skip_malformed_snapshot(const std::string& reason);
  Status save_position(const std::string& id);
  // scrub()'s stream part: one attempt. Returns false when the stream grew
  // meanwhile (nothing was changed: try again).
  Result<bool> rewrite_tail(const std::string& text, const EraseFromEvent& erase_from, int* rewritten);

  std::mutex mutex_;  // one applier at a time; guards state_, applied_ahead_ and writes of position_
  std::unique_ptr<EventStreamState> state_;
  RedisLink& redis_;
  EventSink& sink_;
  const EventStreamOptions options_;
  mutable std::mutex position_mutex_;  // guards position_ for readers outside mutex_
  std::string position_;
  std::set<std::string> applied_ahead_;  // published, applied here before the stream was read back
  // Where this node stood in the original entries when it reached the
  // copies of the latest erasure's rewrite (guarded by mutex_; kept in SQLite).
  std::string replaced_through_;
  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> events_malformed_{0};
  std::atomic<uint64_t> snapshots_malformed_{0};
  std::string last_bad_snapshot_;  // the reason last logged (guarded by mutex_)
  bool rebuild_snapshot_ = false;  // the leader compacts at once (guarded by mutex_)
  bool history_offered_ = false;   // offer_own_history() ran in this process (guarded by mutex_)
};

}  // namespace spamgate

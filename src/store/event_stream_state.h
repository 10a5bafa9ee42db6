// EventStreamState: what this node keeps in SQLite about a shared event
// stream (shared/event_stream.h): the cursor (the stream id it has applied
// up to) and the pending queue (events it took while Redis was away, kept
// until they are published). It stores event kinds and payloads without
// reading them, and holds every SQL statement the stream needs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/database.h"

namespace spamgate {

// One event waiting to be published, oldest first by `id`.
struct PendingEvent {
  int64_t id = 0;
  std::string kind;  // what the event is, in its owner's words ("record", ...)
  std::string data;  // its payload
};

class EventStreamState {
 public:
  // Opens (and migrates) the store at `path` with a connection of its own.
  static Result<std::unique_ptr<EventStreamState>> open(const std::string& path);

  // The stream id this node has applied up to; "" when none yet.
  Result<std::string> cursor();
  Status save_cursor(const std::string& id);
  // The stream id this node had applied up to when it reached the copies
  // an erasure made (shared/event_stream.h's scrub); "" when none yet.
  Result<std::string> replaced_through();
  Status save_replaced_through(const std::string& id);

  // Keeps an event for publishing later.
  Status keep(const std::string& kind, const std::string& data);
  // Every kept event, oldest first.
  Result<std::vector<PendingEvent>> pending();
  Result<int64_t> pending_count();
  // Drops one kept event once it is published.
  Status drop(int64_t id);
  // Replaces the payload of kept event `id` (a privacy erasure rewrote it).
  Status replace(int64_t id, const std::string& data);

 private:
  explicit EventStreamState(Database db) : db_(std::move(db)) {}
  // A value of the shared_state table ("" when absent), and setting it.
  Result<std::string> value(const char* key);
  Status save_value(const char* key, const std::string& value);
  Database db_;  // not thread-safe: its owner calls it one thread at a time
};

}  // namespace spamgate

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

  // Keeps an event for publishing later.
  Status keep(const std::string& kind, const std::string& data);
  // Every kept event, oldest first.
  Result<std::vector<PendingEvent>> pending();
  Result<int64_t> pending_count();
  // Drops one kept event once it is published.
  Status drop(int64_t id);
  // Drops every kept event whose payload mentions `text` (ASCII letters
  // compared case-insensitively): a privacy erasure.
  Status drop_mentioning(const std::string& text);

 private:
  explicit EventStreamState(Database db) : db_(std::move(db)) {}
  Database db_;  // not thread-safe: its owner calls it one thread at a time
};

}  // namespace spamgate

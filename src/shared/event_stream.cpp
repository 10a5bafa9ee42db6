#include "shared/event_stream.h"

#include <charconv>
#include <vector>

#include "util/ascii.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr int kReadBatch = 200;

// Stream ids ("ms-seq") in order; "" (or an id that is not one) is before every id.
bool id_before(const std::string& a, const std::string& b) {
  const std::optional<StreamId> x = parse_stream_id(a), y = parse_stream_id(b);
  if (!y) return false;
  return !x || *x < *y;
}

// One stream entry: its id, its event and who published it.
struct Entry {
  std::string id;
  StreamEvent event;
  std::string node;
  bool replay = false;  // applied by `node` while Redis was away, published later
  // An erasure's copy (EventStream::scrub): the entry it replaces, and the
  // stream's last id when the copy was made.
  std::string replaces, tip;
};

std::vector<Entry> entries_of(const RedisReply& reply) {
  std::vector<Entry> out;
  for (const RedisReply& item : reply.elements) {
    if (item.elements.size() != 2) continue;
    Entry e;
    e.id = item.elements[0].str;
    const auto& fields = item.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& name = fields[i].str;
      const std::string& value = fields[i + 1].str;
      if (name == "op") e.event.kind = value;
      else if (name == "data") e.event.data = value;
      else if (name == "node") e.node = value;
      else if (name == "replay") e.replay = value == "1";
      else if (name == "replaces") e.replaces = value;
      else if (name == "tip") e.tip = value;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// KEYS[1]: the stream. ARGV[1]: the id the stream must still end with
// (else nothing changes: returns 0); then six values per entry from the
// first to rewrite on, in order: id, "1" to append its copy (else it only
// goes), op, data, node, replay ("1" or ""). Deletes each entry and appends
// its copy naming it (`replaces`) and ARGV[1] (`tip`). Returns 1.
const RedisScript kRewriteTail(R"lua(
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 or last[1][1] ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 6 do
  redis.call('XDEL', KEYS[1], ARGV[i])
  if ARGV[i + 1] == '1' then
    local fields = {'op', ARGV[i + 2], 'data', ARGV[i + 3], 'node', ARGV[i + 4], 'replaces', ARGV[i], 'tip', ARGV[1]}
    if ARGV[i + 5] == '1' then
      table.insert(fields, 'replay')
      table.insert(fields, '1')
    end
    redis.call('XADD', KEYS[1], '*', unpack(fields))
  end
end
return 1
)lua");

constexpr int kScrubAttempts = 5;

}  // namespace

std::optional<StreamId> parse_stream_id(std::string_view id) {
  const auto number = [](std::string_view digits) -> std::optional<uint64_t> {
    if (digits.empty() || digits.size() > 20) return std::nullopt;
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
  };
  const size_t dash = id.find('-');
  const std::optional<uint64_t> ms = number(id.substr(0, dash));
  if (!ms) return std::nullopt;
  if (dash == std::string_view::npos) return StreamId{*ms, 0};
  const std::optional<uint64_t> seq = number(id.substr(dash + 1));
  if (!seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

Result<std::unique_ptr<EventStream>> EventStream::open(const std::string& db_path, RedisLink& redis,
                                                       EventSink& sink, EventStreamOptions options) {
  Result<std::unique_ptr<EventStreamState>> state = EventStreamState::open(db_path);
  if (!state) return Error{state.error()};
  Result<std::string> cursor = (*state)->cursor();
  if (!cursor) return Error{cursor.error()};
  Result<std::string> replaced_through = (*state)->replaced_through();
  if (!replaced_through) return Error{replaced_through.error()};
  auto stream = std::unique_ptr<EventStream>(
      new EventStream(std::move(*state), redis, sink, std::move(options), std::move(*cursor)));
  stream->replaced_through_ = std::move(*replaced_through);
  return stream;
}

std::string EventStream::position() const {
  std::lock_guard lock(position_mutex_);
  return position_;
}

Result<int64_t> EventStream::append(const StreamEvent& event, const std::function<Result<int64_t>()>& apply_here) {
  // Held from before the XADD: otherwise the syncing thread may apply the
  // new entry first, and this call would never find it after the position.
  std::lock_guard lock(mutex_);
  Result<RedisReply> id =
      redis_.run({"XADD", key("stream"), "*", "op", event.kind, "data", event.data, "node", redis_.node()});
  if (id) {
    Result<int64_t> result = Error{"the " + options_.label + " event was not read back from the stream"};
    if (Result<int> synced = sync_locked(id->str, &result); synced) return result;
    applied_ahead_.insert(id->str);  // published, but the stream could not be read back: apply it here now
    return apply_here();
  }
  Result<int64_t> result = apply_here();  // Redis away: apply here now, publish later
  if (result)
    if (Status kept = state_->keep(event.kind, event.data); !kept)
      LogLine("error")
          .add("msg", "a " + options_.label + " event could not be kept for the other nodes")
          .add("error", kept.error())
          .write();
  return result;
}

Status EventStream::publish_kept() {
  Result<std::vector<PendingEvent>> kept = state_->pending();
  if (!kept) return Error{kept.error()};
  if (kept->empty()) return Status::success();
  std::vector<StreamEvent> events;
  for (const PendingEvent& event : *kept) events.push_back({event.kind, event.data});
  Result<std::vector<std::optional<StreamEvent>>> publishable = sink_.publishable(events);
  if (!publishable) return Error{publishable.error()};
  if (publishable->size() != kept->size()) return Error{"the " + options_.label + " events kept could not be checked"};
  for (size_t i = 0; i < kept->size(); ++i) {
    if (const std::optional<StreamEvent>& event = (*publishable)[i]) {
      Result<RedisReply> id = redis_.run({"XADD", key("stream"), "*", "op", event->kind, "data", event->data, "node",
                                          redis_.node(), "replay", "1"});
      if (!id) return Error{id.error()};
    }
    if (Status dropped = state_->drop((*kept)[i].id); !dropped) return dropped;
  }
  return Status::success();
}

Status EventStream::offer_own_history() {
  Result<std::optional<StreamEvent>> mine = sink_.own_history();
  if (!mine) return Error{mine.error()};
  if (*mine) {
    // Not a replay: this node applies it too when it reaches it, after the
    // stream's older events, so that its own newer decisions win here as
    // they win on every other node.
    Result<RedisReply> id =
        redis_.run({"XADD", key("stream"), "*", "op", (*mine)->kind, "data", (*mine)->data, "node", redis_.node()});
    if (!id) return Error{id.error()};
    LogLine("info").add("msg", "this node joined the " + options_.label + " stream with its own history").add("id", id->str).write();
  }
  history_offered_ = true;
  return Status::success();
}

Status EventStream::save_position(const std::string& id) {
  if (Status saved = state_->save_cursor(id); !saved) return saved;
  std::lock_guard lock(position_mutex_);
  position_ = id;
  return Status::success();
}

Result<bool> EventStream::applied_original_of(const std::string& replaces, const std::string& tip) {
  if (applied_ahead_.erase(replaces) > 0) return true;
  // At or before the tip, this node is in the originals' ids: the first
  // copy it reaches tells how far it had applied them. Past the tip it is
  // among the copies, and that is still what it had applied.
  const std::string at = position();
  if (!id_before(tip, at) && at != replaced_through_) {
    if (Status saved = state_->save_replaced_through(at); !saved) return Error{saved.error()};
    replaced_through_ = at;
  }
  return !id_before(replaced_through_, replaces);
}

Status EventStream::load_snapshot_if_behind() {
  Result<RedisReply> covers = redis_.run({"GET", key("snapshot_covers")});
  if (!covers) return Error{covers.error()};
  if (covers->is_nil()) return Status::success();
  if (!parse_stream_id(covers->str))
    return skip_malformed_snapshot(options_.key + ":snapshot_covers is not a stream id");
  if (!id_before(position(), covers->str)) return Status::success();
  Result<RedisReply> snapshot = redis_.run({"GET", key("snapshot")});
  if (!snapshot) return Error{snapshot.error()};
  const SnapshotLoad loaded = sink_.load_snapshot(snapshot->str, covers->str, position().empty());
  switch (loaded.outcome) {
    case SnapshotLoad::Outcome::malformed: return skip_malformed_snapshot(loaded.reason);
    case SnapshotLoad::Outcome::failed: return Error{loaded.reason};
    case SnapshotLoad::Outcome::loaded: break;
  }
  // The snapshot holds the copies up to `covers`; none after it was applied here.
  if (Status saved = state_->save_replaced_through(""); !saved) return saved;
  replaced_through_.clear();
  return save_position(covers->str);
}

Status EventStream::skip_malformed_snapshot(const std::string& reason) {
  // Logged and counted once per bad value, not at every sync; the stream
  // is applied from this node's position all the same, and the leader
  // writes a good snapshot at its next compaction.
  if (reason != last_bad_snapshot_) {
    ++snapshots_malformed_;
    LogLine("error")
        .add("msg", "the " + options_.label + " snapshot in Redis is malformed; it is ignored and will be rebuilt")
        .add("error", reason)
        .write();
    last_bad_snapshot_ = reason;
  }
  rebuild_snapshot_ = true;
  return Status::success();
}

void EventStream::note_malformed_entry(const std::string& id, const StreamEvent& event, const std::string& node,
                                       const std::string& reason) {
  ++events_malformed_;
  LogLine("error")
      .add("msg", "a malformed " + options_.label + " event was skipped")
      .add("id", id)
      .add("op", event.kind.substr(0, 20))
      .add("node", node.substr(0, 64))
      .add("error", reason)
      .write();
}

Result<int> EventStream::sync_locked(const std::string& wanted, Result<int64_t>* wanted_result) {
  if (Status kept = publish_kept(); !kept) return Error{kept.error()};
  if (!history_offered_ && position().empty())
    if (Status offered = offer_own_history(); !offered) return Error{offered.error()};
  if (Status loaded = load_snapshot_if_behind(); !loaded) return Error{loaded.error()};
  int applied = 0;
  for (;;) {
    const std::string from = position();
    Result<RedisReply> batch =
        redis_.run({"XRANGE", key("stream"), from.empty() ? "-" : "(" + from, "+", "COUNT", std::to_string(kReadBatch)});
    if (!batch) return Error{batch.error()};
    const std::vector<Entry> entries = entries_of(*batch);
    for (const Entry& e : entries) {
      bool done_here = (e.replay && e.node == redis_.node()) || applied_ahead_.erase(e.id) > 0;
      if (!done_here && !e.replaces.empty()) {
        Result<bool> applied_before = applied_original_of(e.replaces, e.tip);
        if (!applied_before) return Error{applied_before.error()};
        done_here = *applied_before;
      }
      if (!done_here) {
        AppliedEvent outcome = sink_.apply(e.event);
        if (!outcome.decoded) {
          note_malformed_entry(e.id, e.event, e.node, outcome.result.error());
        } else {
          if (!outcome.result)
            LogLine("error")
                .add("msg", "a " + options_.label + " event could not be applied")
                .add("id", e.id)
                .add("error", outcome.result.error())
                .write();
          ++applied;
          ++applied_;
        }
        if (e.id == wanted && wanted_result != nullptr) *wanted_result = std::move(outcome.result);
      }
      if (Status saved = save_position(e.id); !saved) return Error{saved.error()};
    }
    if (entries.size() < static_cast<size_t>(kReadBatch)) break;
  }
  if (applied > 0) sink_.applied(applied);
  return applied;
}

Result<int> EventStream::sync() {
  std::lock_guard lock(mutex_);
  return sync_locked("", nullptr);
}

Result<int> EventStream::wait_and_sync(std::chrono::milliseconds wait) {
  const std::string from = position();
  Result<RedisReply> woke = redis_.run_blocking(
      {"XREAD", "BLOCK", std::to_string(wait.count()), "STREAMS", key("stream"), from.empty() ? "0-0" : from}, wait);
  if (!woke) return Error{woke.error()};
  return sync();
}

Result<bool> EventStream::compact() {
  Result<RedisReply> length = redis_.run({"XLEN", key("stream")});
  if (!length) return Error{length.error()};
  std::lock_guard lock(mutex_);
  if (length->integer <= options_.snapshot_every && !rebuild_snapshot_) return false;
  if (Result<int> synced = sync_locked("", nullptr); !synced) return Error{synced.error()};
  if (Result<int64_t> pending = state_->pending_count(); !pending || *pending > 0) return false;  // not all published yet
  const std::string covers = position();
  if (covers.empty()) return false;
  Result<std::string> snapshot = sink_.snapshot(covers);
  if (!snapshot) return Error{snapshot.error()};
  // The snapshot first, then where it ends, then the trim: a reader never
  // finds the stream trimmed past a snapshot it cannot load.
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"SET", key("snapshot"), *snapshot},
        std::vector<std::string>{"SET", key("snapshot_covers"), covers},
        std::vector<std::string>{"XTRIM", key("stream"), "MINID", covers}})
    if (Result<RedisReply> done = redis_.run(command); !done) return Error{done.error()};
  rebuild_snapshot_ = false;
  last_bad_snapshot_.clear();
  LogLine("info")
      .add("msg", options_.label + " stream compacted")
      .add("bytes", static_cast<long long>(snapshot->size()))
      .add("covers", covers)
      .write();
  return true;
}

Status EventStream::erase_from_kept(const std::string& text, const EraseFromEvent& erase_from) {
  std::lock_guard lock(mutex_);
  Result<std::vector<PendingEvent>> kept = state_->pending();
  if (!kept) return Error{kept.error()};
  const std::string needle = ascii_lowercase(text);
  for (const PendingEvent& event : *kept) {
    if (ascii_lowercase(event.data).find(needle) == std::string::npos) continue;
    const std::optional<StreamEvent> rest = erase_from({event.kind, event.data});
    if (Status done = rest ? state_->replace(event.id, rest->data) : state_->drop(event.id); !done) return done;
  }
  return Status::success();
}

Result<bool> EventStream::rewrite_tail(const std::string& text, const EraseFromEvent& erase_from, int* rewritten) {
  const std::string needle = ascii_lowercase(text);
  const auto mentions = [&needle](const std::string& s) { return ascii_lowercase(s).find(needle) != std::string::npos; };
  // The whole stream is read (it is kept short by compaction); from the
  // first entry that mentions `text` on, every entry is sent back.
  std::vector<std::string> args = {""};
  std::string from = "-";
  bool rewriting = false;
  for (;;) {
    Result<RedisReply> batch = redis_.run({"XRANGE", key("stream"), from, "+", "COUNT", std::to_string(kReadBatch)});
    if (!batch) return Error{batch.error()};
    const std::vector<Entry> entries = entries_of(*batch);
    for (const Entry& e : entries) {
      args.front() = e.id;
      const bool mentioned = mentions(e.event.data) || mentions(e.node);
      rewriting = rewriting || mentioned;
      if (!rewriting) continue;
      std::optional<StreamEvent> copy = e.event;
      if (mentions(e.event.data)) copy = erase_from(e.event);
      if (mentioned) ++*rewritten;
      args.insert(args.end(), {e.id, copy ? "1" : "", copy ? copy->kind : "", copy ? copy->data : "",
                               mentions(e.node) ? "(erased)" : e.node, e.replay ? "1" : ""});
    }
    if (entries.size() < static_cast<size_t>(kReadBatch)) break;
    from = "(" + entries.back().id;
  }
  if (!rewriting) return true;
  Result<RedisReply> done = redis_.eval(kRewriteTail, {key("stream")}, args);
  if (!done) return Error{done.error()};
  return done->integer == 1;
}

Status EventStream::scrub(const std::string& text, const EraseFromEvent& erase_from,
                          const std::function<Result<std::string>(const std::string& snapshot)>& rewrite) {
  std::lock_guard lock(mutex_);
  int rewritten = 0;
  for (int attempt = 1;; ++attempt) {
    rewritten = 0;
    Result<bool> done = rewrite_tail(text, erase_from, &rewritten);
    if (!done) return Error{done.error()};
    if (*done) break;
    if (attempt == kScrubAttempts)
      return Error{"the " + options_.label + " stream kept growing while an erasure rewrote it; try again"};
  }
  Result<RedisReply> snapshot = redis_.run({"GET", key("snapshot")});
  if (!snapshot) return Error{snapshot.error()};
  if (!snapshot->is_nil() && ascii_lowercase(snapshot->str).find(ascii_lowercase(text)) != std::string::npos) {
    Result<std::string> rewritten_snapshot = rewrite(snapshot->str);
    std::vector<std::string> command = {"DEL", key("snapshot")};
    if (rewritten_snapshot) command = {"SET", key("snapshot"), *rewritten_snapshot};
    else rebuild_snapshot_ = true;
    if (Result<RedisReply> written = redis_.run(command); !written) return Error{written.error()};
  }
  LogLine("info")
      .add("msg", "erased data was cleared from the " + options_.label + " stream")
      .add("entries", static_cast<long long>(rewritten))
      .write();
  return Status::success();
}

}  // namespace spamgate

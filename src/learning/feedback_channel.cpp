#include "learning/feedback_channel.h"

#include "learning/fuzzy_teacher.h"
#include "learning/learning_event.h"
#include "store/migrations.h"
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

// One stream entry: its id and its field/value pairs.
struct Entry {
  std::string id;
  std::string op, data, node;
  bool replay = false;  // applied by `node` while Redis was away, published later
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
      if (name == "op") e.op = value;
      else if (name == "data") e.data = value;
      else if (name == "node") e.node = value;
      else if (name == "replay") e.replay = value == "1";
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FeedbackChannel>> FeedbackChannel::open(const std::string& db_path, FeedbackLog& log,
                                                               RedisLink* redis, Learner* learner,
                                                               int snapshot_every) {
  Result<Database> db = open_store(db_path);
  if (!db) return Error{db.error()};
  std::unique_ptr<FeedbackChannel> channel(new FeedbackChannel(std::move(*db), log, redis, learner, snapshot_every));
  Result<Statement> st = channel->db_.prepare("SELECT value FROM shared_state WHERE key = 'stream_applied'");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  if (*row) channel->position_ = st->column_text(0);
  return channel;
}

std::string FeedbackChannel::position() const {
  std::lock_guard lock(position_mutex_);
  return position_;
}

Result<int64_t> FeedbackChannel::record(const FeedbackRecord& decision) {
  if (!valid_feedback_decision(decision.decision) || !valid_feedback_kind(decision.kind))
    return log_.record(decision);  // the log states what is wrong; nothing is published
  return publish(LearningEvent{LearningEvent::Op::record, {decision}, ""});
}

Result<int64_t> FeedbackChannel::record_all(const std::vector<FeedbackRecord>& decisions) {
  for (const FeedbackRecord& f : decisions)
    if (!valid_feedback_decision(f.decision) || !valid_feedback_kind(f.kind)) return log_.record_all(decisions);
  return publish(LearningEvent{LearningEvent::Op::record_all, decisions, ""});
}

Result<int64_t> FeedbackChannel::forget(const std::string& id) {
  if (id.empty()) return Error{"say which decision to forget"};
  return publish(LearningEvent{LearningEvent::Op::forget, {}, id});
}

Result<int64_t> FeedbackChannel::forget_email(const std::string& email) {
  if (email.empty()) return Error{"say whose decisions to forget (an e-mail address)"};
  if (redis_ == nullptr) return apply(LearningEvent{LearningEvent::Op::forget_email, {}, email});
  Result<int64_t> forgotten = publish(erase_event_for_stream(email));
  if (!forgotten) return forgotten;
  if (Status kept = forget_kept(email); !kept) return Error{kept.error()};
  if (Status scrubbed = scrub_shared(email); !scrubbed)
    LogLine("warn").add("msg", "the learning stream could not be cleared of an erased address yet").add("error", scrubbed.error()).write();
  return forgotten;
}

Result<int64_t> FeedbackChannel::apply(const LearningEvent& event) {
  if (event.op != LearningEvent::Op::forget_email) {
    Result<int64_t> applied = apply_to_log(event);
    if (applied) apply_to_fuzzy(event, {});
    return applied;
  }
  Result<std::vector<std::string>> addresses =
      event.hashed ? addresses_with_digest(event.target) : std::vector<std::string>{event.target};
  if (!addresses) return Error{addresses.error()};
  apply_to_fuzzy(event, *addresses);
  int64_t forgotten = 0;
  for (const std::string& address : *addresses) {
    if (submissions_ != nullptr)
      if (Result<int64_t> erased = submissions_->erase_email(address); !erased) return erased;
    Result<int64_t> n = log_.forget_email(address);
    if (!n) return n;
    forgotten += *n;
  }
  return forgotten;
}

void FeedbackChannel::apply_to_fuzzy(const LearningEvent& event, const std::vector<std::string>& erased_addresses) {
  if (fuzzy_ == nullptr) return;
  switch (event.op) {
    case LearningEvent::Op::record:
    case LearningEvent::Op::record_all:
      for (const FeedbackRecord& decision : event.decisions) teach_fuzzy(*fuzzy_, decision);
      return;
    case LearningEvent::Op::forget: fuzzy_->forget(event.target); return;
    case LearningEvent::Op::forget_email:
      for (const std::string& address : erased_addresses) fuzzy_->forget_email(address);
      return;
  }
}

Result<int64_t> FeedbackChannel::apply_to_log(const LearningEvent& event) {
  switch (event.op) {
    case LearningEvent::Op::record: return log_.record(event.decisions.front());
    case LearningEvent::Op::record_all: return log_.record_all(event.decisions);
    case LearningEvent::Op::forget: return log_.forget(event.target);
    case LearningEvent::Op::forget_email: break;  // apply() erases each address itself
  }
  return Error{"unknown learning event"};
}

Result<std::vector<std::string>> FeedbackChannel::addresses_with_digest(const std::string& digest) {
  Result<std::vector<std::string>> decided = log_.emails();
  if (!decided) return Error{decided.error()};
  std::vector<std::string> known = std::move(*decided);
  if (submissions_ != nullptr) {
    Result<std::vector<std::string>> emails = submissions_->emails();
    if (!emails) return Error{emails.error()};
    known.insert(known.end(), emails->begin(), emails->end());
  }
  std::set<std::string> matching;  // distinct, the spellings as stored
  for (const std::string& email : known)
    if (email_digest(email) == digest) matching.insert(email);
  return std::vector<std::string>(matching.begin(), matching.end());
}

Status FeedbackChannel::forget_kept(const std::string& email) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("DELETE FROM shared_pending WHERE instr(lower(data), lower(?1)) > 0");
  if (!st) return Error{st.error()};
  return st->bind(1, email).run();
}

Status FeedbackChannel::scrub_shared(const std::string& email) {
  std::lock_guard lock(mutex_);
  const std::string needle = ascii_lowercase(email);
  const auto mentions = [&needle](const std::string& text) { return ascii_lowercase(text).find(needle) != std::string::npos; };
  std::string from = "-";
  int removed = 0;
  for (;;) {
    Result<RedisReply> batch =
        redis_->run({"XRANGE", redis_->key("learn:stream"), from, "+", "COUNT", std::to_string(kReadBatch)});
    if (!batch) return Error{batch.error()};
    const std::vector<Entry> entries = entries_of(*batch);
    for (const Entry& e : entries) {
      if (!mentions(e.data) && !mentions(e.node)) continue;
      if (Result<RedisReply> gone = redis_->run({"XDEL", redis_->key("learn:stream"), e.id}); !gone)
        return Error{gone.error()};
      ++removed;
    }
    if (entries.size() < static_cast<size_t>(kReadBatch)) break;
    from = "(" + entries.back().id;
  }
  Result<RedisReply> snapshot = redis_->run({"GET", redis_->key("learn:snapshot")});
  if (!snapshot) return Error{snapshot.error()};
  if (!snapshot->is_nil() && mentions(snapshot->str)) {
    Result<LearningSnapshot> decoded = decode_learning_snapshot(snapshot->str);
    std::vector<std::string> command = {"DEL", redis_->key("learn:snapshot")};
    if (decoded) {
      std::erase_if(decoded->decisions, [&](const FeedbackRecord& f) { return mentions(f.to_json()); });
      command = {"SET", redis_->key("learn:snapshot"), encode_learning_snapshot(*decoded)};
    } else {
      rebuild_snapshot_ = true;
    }
    if (Result<RedisReply> written = redis_->run(command); !written) return Error{written.error()};
  }
  LogLine("info").add("msg", "an erased address was cleared from the learning stream").add("entries", static_cast<long long>(removed)).write();
  return Status::success();
}

void FeedbackChannel::refresh_learner() {
  if (learner_ == nullptr) return;
  if (Status refreshed = learner_->refresh(); !refreshed)
    LogLine("error").add("msg", "the learner could not read the feedback log").add("error", refreshed.error()).write();
}

Result<int64_t> FeedbackChannel::publish(const LearningEvent& event) {
  if (redis_ == nullptr) return apply(event);
  const std::string op = learning_op_name(event.op);
  const std::string data = encode_learning_event(event);
  // Held from before the XADD: otherwise the learning thread may apply the
  // new entry first, and this call would never find it after the position.
  std::lock_guard lock(mutex_);
  Result<RedisReply> id =
      redis_->run({"XADD", redis_->key("learn:stream"), "*", "op", op, "data", data, "node", redis_->node()});
  if (id) {
    Result<int64_t> result = Error{"the decision was not read back from the stream"};
    if (Result<int> synced = sync_locked(id->str, &result); synced) return result;
    applied_ahead_.insert(id->str);  // published, but the stream could not be read back: apply it here now
    return apply(event);
  }
  Result<int64_t> result = apply(event);  // Redis away: decide here now, publish later
  if (result)
    if (Status kept = keep(op, data); !kept)
      LogLine("error").add("msg", "a decision could not be kept for the other nodes").add("error", kept.error()).write();
  return result;
}

Status FeedbackChannel::keep(const std::string& op, const std::string& data) {
  Result<Statement> st = db_.prepare("INSERT INTO shared_pending (op, data) VALUES (?1, ?2)");
  if (!st) return Error{st.error()};
  return st->bind(1, op).bind(2, data).run();
}

Status FeedbackChannel::publish_kept() {
  Result<Statement> st = db_.prepare("SELECT id, op, data FROM shared_pending ORDER BY id");
  if (!st) return Error{st.error()};
  std::vector<std::tuple<int64_t, std::string, std::string>> kept;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    kept.emplace_back(st->column_int(0), st->column_text(1), st->column_text(2));
  }
  for (const auto& [row_id, op, data] : kept) {
    Result<RedisReply> id = redis_->run({"XADD", redis_->key("learn:stream"), "*", "op", op, "data", data, "node",
                                         redis_->node(), "replay", "1"});
    if (!id) return Error{id.error()};
    Result<Statement> done = db_.prepare("DELETE FROM shared_pending WHERE id = ?1");
    if (!done) return Error{done.error()};
    if (Status st2 = done->bind(1, row_id).run(); !st2) return st2;
  }
  return Status::success();
}

Status FeedbackChannel::save_position(const std::string& id) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO shared_state (key, value) VALUES ('stream_applied', ?1) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!st) return Error{st.error()};
  if (Status saved = st->bind(1, id).run(); !saved) return saved;
  std::lock_guard lock(position_mutex_);
  position_ = id;
  return Status::success();
}

Status FeedbackChannel::load_snapshot_if_behind() {
  Result<RedisReply> covers = redis_->run({"GET", redis_->key("learn:snapshot_covers")});
  if (!covers) return Error{covers.error()};
  if (covers->is_nil()) return Status::success();
  if (!parse_stream_id(covers->str)) return skip_malformed_snapshot("learn:snapshot_covers is not a stream id");
  if (!id_before(position(), covers->str)) return Status::success();
  Result<RedisReply> snapshot = redis_->run({"GET", redis_->key("learn:snapshot")});
  if (!snapshot) return Error{snapshot.error()};
  Result<LearningSnapshot> decoded = decode_learning_snapshot(snapshot->str);
  if (!decoded) return skip_malformed_snapshot(decoded.error());
  if (decoded->covers != covers->str) return Error{"the learning snapshot is being replaced; trying again"};
  if (Status replaced = log_.replace_all(decoded->decisions); !replaced) return replaced;
  LogLine("info")
      .add("msg", "learning snapshot loaded")
      .add("decisions", static_cast<long long>(decoded->decisions.size()))
      .add("covers", covers->str)
      .write();
  return save_position(covers->str);
}

Status FeedbackChannel::skip_malformed_snapshot(const std::string& reason) {
  // Logged and counted once per bad value, not at every sync; the stream
  // is applied from this node's position all the same, and the leader
  // writes a good snapshot at its next compaction.
  if (reason != last_bad_snapshot_) {
    ++snapshots_malformed_;
    LogLine("error")
        .add("msg", "the learning snapshot in Redis is malformed; it is ignored and will be rebuilt")
        .add("error", reason)
        .write();
    last_bad_snapshot_ = reason;
  }
  rebuild_snapshot_ = true;
  return Status::success();
}

Result<int> FeedbackChannel::sync_locked(const std::string& wanted, Result<int64_t>* wanted_result) {
  if (Status kept = publish_kept(); !kept) return Error{kept.error()};
  if (Status loaded = load_snapshot_if_behind(); !loaded) return Error{loaded.error()};
  int applied = 0;
  for (;;) {
    const std::string from = position();
    Result<RedisReply> batch = redis_->run({"XRANGE", redis_->key("learn:stream"), from.empty() ? "-" : "(" + from,
                                            "+", "COUNT", std::to_string(kReadBatch)});
    if (!batch) return Error{batch.error()};
    const std::vector<Entry> entries = entries_of(*batch);
    for (const Entry& e : entries) {
      const bool done_here = (e.replay && e.node == redis_->node()) || applied_ahead_.erase(e.id) > 0;
      if (!done_here) {
        Result<LearningEvent> event = decode_learning_event(e.op, e.data);
        Result<int64_t> result = event ? apply(*event) : Result<int64_t>(Error{event.error()});
        if (e.id == wanted && wanted_result != nullptr) *wanted_result = result;
        if (!event) {
          ++events_malformed_;
          LogLine("error")
              .add("msg", "a malformed learning event was skipped")
              .add("id", e.id)
              .add("op", e.op.substr(0, 20))
              .add("node", e.node.substr(0, 64))
              .add("error", event.error())
              .write();
        } else if (!result) {
          LogLine("error").add("msg", "a learning event could not be applied").add("id", e.id).add("error", result.error()).write();
        }
        if (event) {
          ++applied;
          ++applied_;
        }
      }
      if (Status saved = save_position(e.id); !saved) return Error{saved.error()};
    }
    if (entries.size() < static_cast<size_t>(kReadBatch)) break;
  }
  if (applied > 0) refresh_learner();
  return applied;
}

Result<int> FeedbackChannel::sync() {
  if (redis_ == nullptr) return 0;
  std::lock_guard lock(mutex_);
  return sync_locked("", nullptr);
}

Result<int> FeedbackChannel::wait_and_sync(std::chrono::milliseconds wait) {
  if (redis_ == nullptr) return 0;
  const std::string from = position();
  Result<RedisReply> woke = redis_->run_blocking({"XREAD", "BLOCK", std::to_string(wait.count()), "STREAMS",
                                                  redis_->key("learn:stream"), from.empty() ? "0-0" : from},
                                                 wait);
  if (!woke) return Error{woke.error()};
  return sync();
}

Result<bool> FeedbackChannel::compact() {
  if (redis_ == nullptr) return false;
  Result<RedisReply> length = redis_->run({"XLEN", redis_->key("learn:stream")});
  if (!length) return Error{length.error()};
  std::lock_guard lock(mutex_);
  if (length->integer <= snapshot_every_ && !rebuild_snapshot_) return false;
  if (Result<int> synced = sync_locked("", nullptr); !synced) return Error{synced.error()};
  Result<Statement> pending = db_.prepare("SELECT count(*) FROM shared_pending");
  if (!pending) return Error{pending.error()};
  if (Result<bool> row = pending->step(); !row || pending->column_int(0) > 0) return false;  // not all published yet
  const std::string covers = position();
  if (covers.empty()) return false;
  Result<std::vector<FeedbackRecord>> decisions = log_.labels();
  if (!decisions) return Error{decisions.error()};
  const std::string snapshot = encode_learning_snapshot({covers, *decisions});
  // The snapshot first, then where it ends, then the trim: a reader never
  // finds the stream trimmed past a snapshot it cannot load.
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"SET", redis_->key("learn:snapshot"), snapshot},
        std::vector<std::string>{"SET", redis_->key("learn:snapshot_covers"), covers},
        std::vector<std::string>{"XTRIM", redis_->key("learn:stream"), "MINID", covers}})
    if (Result<RedisReply> done = redis_->run(command); !done) return Error{done.error()};
  rebuild_snapshot_ = false;
  last_bad_snapshot_.clear();
  LogLine("info")
      .add("msg", "learning stream compacted")
      .add("decisions", static_cast<long long>(decisions->size()))
      .add("covers", covers)
      .write();
  return true;
}

}  // namespace spamgate

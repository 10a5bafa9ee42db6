#include "learning/feedback_channel.h"

#include <nlohmann/json.hpp>

#include "store/migrations.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

constexpr int kReadBatch = 200;

// Stream ids ("ms-seq") in order; "" is before every id.
bool id_before(const std::string& a, const std::string& b) {
  const auto parts = [](const std::string& id) {
    const size_t dash = id.find('-');
    return std::pair{std::stoull(id.substr(0, dash)), dash == std::string::npos ? 0ULL : std::stoull(id.substr(dash + 1))};
  };
  if (a.empty()) return !b.empty();
  if (b.empty()) return false;
  return parts(a) < parts(b);
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

std::string records_json(const std::vector<FeedbackRecord>& decisions) {
  std::string out = "[";
  for (const FeedbackRecord& f : decisions) out += (out.size() > 1 ? "," : "") + f.to_json();
  return out + "]";
}

Result<std::vector<FeedbackRecord>> records_of(const nlohmann::json& array) {
  if (!array.is_array()) return Error{"expected a JSON array of decisions"};
  std::vector<FeedbackRecord> out;
  for (const nlohmann::json& item : array) {
    Result<FeedbackRecord> f = FeedbackRecord::from_json(item.dump());
    if (!f) return Error{f.error()};
    out.push_back(std::move(*f));
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
  return publish("record", decision.to_json());
}

Result<int64_t> FeedbackChannel::record_all(const std::vector<FeedbackRecord>& decisions) {
  for (const FeedbackRecord& f : decisions)
    if (!valid_feedback_decision(f.decision) || !valid_feedback_kind(f.kind)) return log_.record_all(decisions);
  return publish("record_all", records_json(decisions));
}

Result<int64_t> FeedbackChannel::forget(const std::string& id) {
  if (id.empty()) return Error{"say which decision to forget"};
  return publish("forget", nlohmann::json{{"id", id}}.dump());
}

Result<int64_t> FeedbackChannel::forget_email(const std::string& email) {
  if (email.empty()) return Error{"say whose decisions to forget (an e-mail address)"};
  return publish("forget_email", nlohmann::json{{"email", email}}.dump());
}

Result<int64_t> FeedbackChannel::apply(const std::string& op, const std::string& data) {
  if (op == "record") {
    Result<FeedbackRecord> f = FeedbackRecord::from_json(data);
    if (!f) return Error{f.error()};
    return log_.record(*f);
  }
  const nlohmann::json in = nlohmann::json::parse(data, nullptr, false);
  if (op == "record_all") {
    Result<std::vector<FeedbackRecord>> decisions = records_of(in);
    if (!decisions) return Error{decisions.error()};
    return log_.record_all(*decisions);
  }
  if (op == "forget" && in.is_object() && in.value("id", "") != "") return log_.forget(in.value("id", ""));
  if (op == "forget_email" && in.is_object() && in.value("email", "") != "") {
    if (submissions_ != nullptr)
      if (Result<int64_t> erased = submissions_->erase_email(in.value("email", "")); !erased) return erased;
    return log_.forget_email(in.value("email", ""));
  }
  return Error{"unknown learning event \"" + op.substr(0, 20) + "\""};
}

void FeedbackChannel::refresh_learner() {
  if (learner_ == nullptr) return;
  if (Status refreshed = learner_->refresh(); !refreshed)
    LogLine("error").add("msg", "the learner could not read the feedback log").add("error", refreshed.error()).write();
}

Result<int64_t> FeedbackChannel::publish(const std::string& op, const std::string& data) {
  if (redis_ == nullptr) return apply(op, data);
  // Held from before the XADD: otherwise the learning thread may apply the
  // new entry first, and this call would never find it after the position.
  std::lock_guard lock(mutex_);
  Result<RedisReply> id =
      redis_->run({"XADD", redis_->key("learn:stream"), "*", "op", op, "data", data, "node", redis_->node()});
  if (id) {
    Result<int64_t> result = Error{"the decision was not read back from the stream"};
    if (Result<int> synced = sync_locked(id->str, &result); synced) return result;
    applied_ahead_.insert(id->str);  // published, but the stream could not be read back: apply it here now
    return apply(op, data);
  }
  Result<int64_t> result = apply(op, data);  // Redis away: decide here now, publish later
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
  if (covers->is_nil() || !id_before(position(), covers->str)) return Status::success();
  Result<RedisReply> snapshot = redis_->run({"GET", redis_->key("learn:snapshot")});
  if (!snapshot) return Error{snapshot.error()};
  const nlohmann::json in = nlohmann::json::parse(snapshot->str, nullptr, false);
  if (!in.is_object() || in.value("covers", "") != covers->str)
    return Error{"the learning snapshot is being replaced; trying again"};
  Result<std::vector<FeedbackRecord>> decisions = records_of(in["decisions"]);
  if (!decisions) return Error{"learning snapshot: " + decisions.error()};
  if (Status replaced = log_.replace_all(*decisions); !replaced) return replaced;
  LogLine("info")
      .add("msg", "learning snapshot loaded")
      .add("decisions", static_cast<long long>(decisions->size()))
      .add("covers", covers->str)
      .write();
  return save_position(covers->str);
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
        Result<int64_t> result = apply(e.op, e.data);
        if (e.id == wanted && wanted_result != nullptr) *wanted_result = result;
        if (!result)
          LogLine("error").add("msg", "a learning event could not be applied").add("id", e.id).add("error", result.error()).write();
        ++applied;
        ++applied_;
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
  if (length->integer <= snapshot_every_) return false;
  std::lock_guard lock(mutex_);
  if (Result<int> synced = sync_locked("", nullptr); !synced) return Error{synced.error()};
  Result<Statement> pending = db_.prepare("SELECT count(*) FROM shared_pending");
  if (!pending) return Error{pending.error()};
  if (Result<bool> row = pending->step(); !row || pending->column_int(0) > 0) return false;  // not all published yet
  const std::string covers = position();
  if (covers.empty()) return false;
  Result<std::vector<FeedbackRecord>> decisions = log_.labels();
  if (!decisions) return Error{decisions.error()};
  const std::string snapshot = "{\"covers\":\"" + covers + "\",\"decisions\":" + records_json(*decisions) + "}";
  // The snapshot first, then where it ends, then the trim: a reader never
  // finds the stream trimmed past a snapshot it cannot load.
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"SET", redis_->key("learn:snapshot"), snapshot},
        std::vector<std::string>{"SET", redis_->key("learn:snapshot_covers"), covers},
        std::vector<std::string>{"XTRIM", redis_->key("learn:stream"), "MINID", covers}})
    if (Result<RedisReply> done = redis_->run(command); !done) return Error{done.error()};
  LogLine("info")
      .add("msg", "learning stream compacted")
      .add("decisions", static_cast<long long>(decisions->size()))
      .add("covers", covers)
      .write();
  return true;
}

}  // namespace spamgate

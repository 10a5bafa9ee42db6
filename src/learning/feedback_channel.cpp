#include "learning/feedback_channel.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "learning/fuzzy_teacher.h"
#include "util/ascii.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

const Clock& system_clock() {
  static const SystemClock clock{};
  return clock;
}

// True when decision `f`, as the stream carries it, holds `needle` (lower-case ASCII letters).
bool mentions(const FeedbackRecord& f, const std::string& needle) {
  return ascii_lowercase(encode_learning_event({LearningEvent::Op::record, {f}, ""})).find(needle) != std::string::npos;
}

// `event` (a stream entry or a kept event) without the decisions that
// mention `email`; nullopt when none is left, or when the event is no
// decision (a malformed one, or a forget naming the address).
std::optional<StreamEvent> event_without(const StreamEvent& event, std::string_view email) {
  Result<LearningEvent> decoded = decode_learning_event(event.kind, event.data);
  if (!decoded || decoded->decisions.empty()) return std::nullopt;
  const std::string needle = ascii_lowercase(email);
  std::erase_if(decoded->decisions, [&needle](const FeedbackRecord& f) { return mentions(f, needle); });
  if (decoded->decisions.empty()) return std::nullopt;
  return StreamEvent{event.kind, encode_learning_event(*decoded)};
}

}  // namespace

Result<std::unique_ptr<FeedbackChannel>> FeedbackChannel::open(const std::string& db_path, FeedbackLog& log,
                                                               RedisLink* redis, Learner* learner,
                                                               int snapshot_every, const Clock* clock) {
  std::unique_ptr<FeedbackChannel> channel(new FeedbackChannel(log, learner, clock ? *clock : system_clock()));
  if (redis == nullptr) return channel;
  channel->redis_ = redis;
  Result<std::unique_ptr<EventStream>> stream =
      EventStream::open(db_path, *redis, *channel, {"learn", "learning", snapshot_every});
  if (!stream) return Error{stream.error()};
  channel->stream_ = std::move(*stream);
  return channel;
}

Result<int64_t> FeedbackChannel::record(const FeedbackRecord& decision) {
  if (!valid_feedback_decision(decision.decision) || !valid_feedback_kind(decision.kind))
    return log_.record(decision);  // the log states what is wrong; nothing is published
  return decide(LearningEvent{LearningEvent::Op::record, {decision}, ""});
}

Result<int64_t> FeedbackChannel::record_all(const std::vector<FeedbackRecord>& decisions) {
  for (const FeedbackRecord& f : decisions)
    if (!valid_feedback_decision(f.decision) || !valid_feedback_kind(f.kind)) return log_.record_all(decisions);
  return decide(LearningEvent{LearningEvent::Op::record_all, decisions, ""});
}

Result<int64_t> FeedbackChannel::forget(const std::string& id) {
  if (id.empty()) return Error{"say which decision to forget"};
  if (stream_) {  // every node deletes by the key it is sent: a row id would name another decision on each
    Result<bool> row_id_only = log_.is_row_id_only(id);
    if (!row_id_only) return Error{row_id_only.error()};
    if (*row_id_only)
      return Error{id + " is this node's feedback row id, which names a different decision on every node; with "
                        "[shared] forget by the decision's submission id or WordPress comment id (spamgate "
                        "learn --forget ID with one of those)"};
  }
  return decide(LearningEvent{LearningEvent::Op::forget, {}, id});
}

void FeedbackChannel::erase_submissions_too(SubmissionLog& submissions) {
  submissions_ = &submissions;
  if (!submissions_unchecked_.exchange(false)) return;
  if (Result<int64_t> erased = apply_erasures_here(); !erased)
    LogLine("error").add("msg", "the site's erasures could not be applied to this node's submissions").add("error", erased.error()).write();
}

Result<int64_t> FeedbackChannel::forget_email(const std::string& email) {
  if (email.empty()) return Error{"say whose decisions to forget (an e-mail address)"};
  if (!stream_) return decide(LearningEvent{LearningEvent::Op::forget_email, {}, email});
  // Recorded for the site first: a node joining from now on, and whatever
  // of that address from before now arrives later, find it.
  const LearningEvent erasure = erase_event_for_stream(email, unix_seconds(clock_.now()));
  if (Status recorded = record_erasure(*redis_, erasure.target, erasure.erased_at); !recorded)
    return Error{recorded.error()};
  note_erasure(erasure.target, erasure.erased_at);
  Result<int64_t> forgotten = decide(erasure);
  if (!forgotten) return forgotten;
  // The other decisions an entry or kept event carries stay (other nodes
  // may not have applied them yet): only this address's go.
  const auto from_event = [&email](const StreamEvent& event) { return event_without(event, email); };
  if (Status kept = stream_->erase_from_kept(email, from_event); !kept) return Error{kept.error()};
  const auto from_snapshot = [&email](const std::string& snapshot) { return snapshot_without(snapshot, email); };
  if (Status scrubbed = stream_->scrub(email, from_event, from_snapshot); !scrubbed)
    LogLine("warn").add("msg", "the learning stream could not be cleared of an erased address yet").add("error", scrubbed.error()).write();
  return forgotten;
}

// Each reads the site's erasures once per process before it reads the
// stream, so that what it applies is checked against them.
Result<int> FeedbackChannel::sync() {
  if (!stream_) return 0;
  if (Status loaded = load_erasures(false); !loaded) return Error{loaded.error()};
  return stream_->sync();
}

Result<int> FeedbackChannel::wait_and_sync(std::chrono::milliseconds wait) {
  if (!stream_) return 0;
  if (Status loaded = load_erasures(false); !loaded) return Error{loaded.error()};
  return stream_->wait_and_sync(wait);
}

Result<bool> FeedbackChannel::compact() {
  if (!stream_) return false;
  if (Status loaded = load_erasures(false); !loaded) return Error{loaded.error()};
  return stream_->compact();
}

Result<int64_t> FeedbackChannel::decide(const LearningEvent& event) {
  if (!stream_) {
    Result<int64_t> result = apply_event(event);
    refresh_learner();
    return result;
  }
  // What an erasure made since covers is not written into Redis: the
  // site's erasures are read again first (this node may not have applied
  // a recent one yet). Redis away: the event is kept, and checked again
  // before it is published (publishable()).
  LearningEvent published = event;
  const bool has_address = std::any_of(event.decisions.begin(), event.decisions.end(),
                                       [](const FeedbackRecord& f) { return !f.email.empty(); });
  if (has_address && load_erasures(true)) {
    published.decisions = without_erased(std::move(published.decisions));
    if (published.decisions.empty()) return int64_t{0};
  }
  Result<int64_t> result = stream_->append({learning_op_name(published.op), encode_learning_event(published)},
                                           [&] { return apply_event(published); });
  refresh_learner();
  return result;
}

Result<int64_t> FeedbackChannel::apply_event(const LearningEvent& event) {
  if (event.op == LearningEvent::Op::forget_email) return apply_erasure(event);
  LearningEvent kept = event;
  kept.decisions = without_erased(std::move(kept.decisions));
  if (kept.op == LearningEvent::Op::record && kept.decisions.empty()) return int64_t{0};
  Result<int64_t> applied = apply_to_log(kept);
  if (applied) apply_to_fuzzy(kept);
  return applied;
}

Result<int64_t> FeedbackChannel::apply_erasure(const LearningEvent& event) {
  if (event.hashed && event.erased_at > 0) note_erasure(event.target, event.erased_at);
  Result<std::vector<std::string>> addresses =
      event.hashed ? addresses_with_digest(event.target) : std::vector<std::string>{event.target};
  if (!addresses) return Error{addresses.error()};
  // What the address sent after its erasure (a node may read the event
  // long after, e.g. joining) is not the erasure's to take.
  const int64_t made_until = event.erased_at > 0 ? event.erased_at : INT64_MAX;
  int64_t forgotten = 0;
  for (const std::string& address : *addresses) {
    Result<int64_t> n = erase_address_here(address, made_until);
    if (!n) return n;
    forgotten += *n;
  }
  return forgotten;
}

Result<int64_t> FeedbackChannel::erase_address_here(const std::string& address, int64_t made_until) {
  if (fuzzy_ != nullptr) fuzzy_->forget_email(address, made_until);
  if (submissions_ != nullptr)
    if (Result<int64_t> erased = submissions_->erase_email(address, made_until); !erased) return erased;
  return log_.forget_email(address, made_until);
}

void FeedbackChannel::apply_to_fuzzy(const LearningEvent& event) {
  if (fuzzy_ == nullptr) return;
  switch (event.op) {
    case LearningEvent::Op::record:
    case LearningEvent::Op::record_all:
    case LearningEvent::Op::merge:
      for (const FeedbackRecord& decision : event.decisions) teach_fuzzy(*fuzzy_, decision);
      return;
    case LearningEvent::Op::forget: fuzzy_->forget(event.target); return;
    case LearningEvent::Op::forget_email: return;  // erase_address_here() forgets the address's examples
  }
}

Result<int64_t> FeedbackChannel::apply_to_log(LearningEvent& event) {
  switch (event.op) {
    case LearningEvent::Op::record: return log_.record(event.decisions.front());
    case LearningEvent::Op::record_all: return log_.record_all(event.decisions);
    case LearningEvent::Op::merge: {
      Result<std::vector<FeedbackRecord>> won = log_.merge_all(event.decisions);
      if (!won) return Error{won.error()};
      event.decisions = std::move(*won);
      return static_cast<int64_t>(event.decisions.size());
    }
    case LearningEvent::Op::forget: return stream_ ? log_.forget_site_key(event.target) : log_.forget(event.target);
    case LearningEvent::Op::forget_email: break;  // apply_event() erases each address itself
  }
  return Error{"unknown learning event"};
}

Result<std::vector<std::string>> FeedbackChannel::known_addresses() {
  Result<std::vector<std::string>> decided = log_.emails();
  if (!decided) return Error{decided.error()};
  std::set<std::string> known(decided->begin(), decided->end());  // distinct, the spellings as stored
  if (submissions_ != nullptr) {
    Result<std::vector<std::string>> emails = submissions_->emails();
    if (!emails) return Error{emails.error()};
    known.insert(emails->begin(), emails->end());
  }
  return std::vector<std::string>(known.begin(), known.end());
}

Result<std::vector<std::string>> FeedbackChannel::addresses_with_digest(const std::string& digest) {
  Result<std::vector<std::string>> known = known_addresses();
  if (!known) return known;
  std::erase_if(*known, [&digest](const std::string& email) { return email_digest(email) != digest; });
  return known;
}

Status FeedbackChannel::load_erasures(bool again) {
  {
    std::lock_guard lock(erasures_mutex_);
    if (erasures_loaded_ && !again) return Status::success();
  }
  Result<ErasureRead> read = read_erasures(*redis_);
  if (!read) return Error{read.error()};
  // Counted and logged once each, not at every read: the most found in one read.
  if (read->malformed > erasures_malformed_.load()) {
    erasures_malformed_ = read->malformed;
    LogLine("error")
        .add("msg", "malformed entries of the site's erasures in Redis were skipped")
        .add("entries", static_cast<long long>(read->malformed))
        .write();
  }
  std::lock_guard lock(erasures_mutex_);
  for (const auto& [digest, erased_at] : read->times) erasures_[digest] = std::max(erasures_[digest], erased_at);
  erasures_loaded_ = true;
  return Status::success();
}

void FeedbackChannel::note_erasure(const std::string& digest, int64_t erased_at) {
  std::lock_guard lock(erasures_mutex_);
  erasures_[digest] = std::max(erasures_[digest], erased_at);
}

ErasureTimes FeedbackChannel::known_erasures() const {
  std::lock_guard lock(erasures_mutex_);
  return erasures_;
}

std::vector<FeedbackRecord> FeedbackChannel::without_erased(std::vector<FeedbackRecord> decisions) {
  size_t dropped = 0;
  {
    std::lock_guard lock(erasures_mutex_);
    if (erasures_.empty()) return decisions;
    dropped = std::erase_if(decisions, [this](const FeedbackRecord& f) {
      return !f.email.empty() && erased_since(erasures_, email_digest(f.email), f.created_at);
    });
  }
  if (dropped == 0) return decisions;
  erased_dropped_ += dropped;
  LogLine("info")
      .add("msg", "decisions about erased addresses, made before their erasure, were dropped")
      .add("decisions", static_cast<long long>(dropped))
      .write();
  return decisions;
}

Result<int64_t> FeedbackChannel::apply_erasures_here() {
  const ErasureTimes erasures = known_erasures();
  if (erasures.empty()) return int64_t{0};
  if (submissions_ == nullptr) submissions_unchecked_ = true;
  Result<std::vector<std::string>> addresses = known_addresses();
  if (!addresses) return Error{addresses.error()};
  int64_t forgotten = 0;
  for (const std::string& address : *addresses) {
    const auto erasure = erasures.find(email_digest(address));
    if (erasure == erasures.end()) continue;
    Result<int64_t> n = erase_address_here(address, erasure->second);
    if (!n) return n;
    forgotten += *n;
  }
  if (forgotten > 0) {
    LogLine("info")
        .add("msg", "decisions of addresses the site erased were erased here too")
        .add("decisions", static_cast<long long>(forgotten))
        .write();
    refresh_learner();
  }
  return forgotten;
}

Result<std::string> FeedbackChannel::snapshot_without(const std::string& text, std::string_view email) {
  Result<LearningSnapshot> decoded = decode_learning_snapshot(text);
  if (!decoded) return Error{decoded.error()};
  const std::string needle = ascii_lowercase(email);
  std::erase_if(decoded->decisions, [&needle](const FeedbackRecord& f) { return mentions(f, needle); });
  return encode_learning_snapshot(*decoded);
}

void FeedbackChannel::refresh_learner() {
  if (learner_ == nullptr) return;
  if (Status refreshed = learner_->refresh(); !refreshed)
    LogLine("error").add("msg", "the learner could not read the feedback log").add("error", refreshed.error()).write();
}

AppliedEvent FeedbackChannel::apply(const StreamEvent& event) {
  Result<LearningEvent> decoded = decode_learning_event(event.kind, event.data);
  if (!decoded) return {false, Error{decoded.error()}};
  // (sync() read them already; an append that reads the stream back may come first)
  if (Status loaded = load_erasures(false); !loaded) return {true, Error{loaded.error()}};
  return {true, apply_event(*decoded)};
}

void FeedbackChannel::applied(int) { refresh_learner(); }

Result<std::string> FeedbackChannel::snapshot(const std::string& covers) {
  Result<std::vector<FeedbackRecord>> decisions = log_.labels();
  if (!decisions) return Error{decisions.error()};
  return encode_learning_snapshot({covers, std::move(*decisions)});
}

Result<std::optional<StreamEvent>> FeedbackChannel::own_history() {
  // First what the site erased meanwhile goes here too, as if this node had been there.
  if (Status loaded = load_erasures(true); !loaded) return Error{loaded.error()};
  if (Result<int64_t> erased = apply_erasures_here(); !erased) return Error{erased.error()};
  Result<std::vector<FeedbackRecord>> mine = log_.labels();
  if (!mine) return Error{mine.error()};
  if (mine->empty()) return std::optional<StreamEvent>{};
  const LearningEvent merge{LearningEvent::Op::merge, std::move(*mine), ""};
  return std::optional<StreamEvent>{StreamEvent{learning_op_name(merge.op), encode_learning_event(merge)}};
}

Result<std::vector<std::optional<StreamEvent>>> FeedbackChannel::publishable(const std::vector<StreamEvent>& kept) {
  // Erasures made while this node was away are in Redis only.
  if (Status loaded = load_erasures(true); !loaded) return Error{loaded.error()};
  std::vector<std::optional<StreamEvent>> out;
  for (const StreamEvent& event : kept) {
    Result<LearningEvent> decoded = decode_learning_event(event.kind, event.data);
    if (!decoded || decoded->decisions.empty()) {  // not this node's to judge, or no decision in it
      out.emplace_back(event);
      continue;
    }
    const size_t before = decoded->decisions.size();
    decoded->decisions = without_erased(std::move(decoded->decisions));
    if (decoded->decisions.empty()) out.emplace_back(std::nullopt);
    else if (decoded->decisions.size() == before) out.emplace_back(event);
    else out.emplace_back(StreamEvent{event.kind, encode_learning_event(*decoded)});
  }
  return out;
}

SnapshotLoad FeedbackChannel::load_snapshot(std::string_view snapshot, const std::string& covers, bool merge) {
  Result<LearningSnapshot> decoded = decode_learning_snapshot(snapshot);
  if (!decoded) return {SnapshotLoad::Outcome::malformed, decoded.error()};
  if (decoded->covers != covers)
    return {SnapshotLoad::Outcome::failed, "the learning snapshot is being replaced; trying again"};
  // The erasures whose events the snapshot replaced: applied to what it
  // brings (the leader's may predate an erasure) and to what this node holds.
  if (Status loaded = load_erasures(true); !loaded) return {SnapshotLoad::Outcome::failed, loaded.error()};
  decoded->decisions = without_erased(std::move(decoded->decisions));
  if (merge) {
    if (Result<std::vector<FeedbackRecord>> merged = log_.merge_all(decoded->decisions); !merged)
      return {SnapshotLoad::Outcome::failed, merged.error()};
  } else if (Status replaced = log_.replace_all(decoded->decisions); !replaced) {
    return {SnapshotLoad::Outcome::failed, replaced.error()};
  }
  if (Result<int64_t> erased = apply_erasures_here(); !erased) return {SnapshotLoad::Outcome::failed, erased.error()};
  LogLine("info")
      .add("msg", merge ? "learning snapshot merged with this node's own decisions" : "learning snapshot loaded")
      .add("decisions", static_cast<long long>(decoded->decisions.size()))
      .add("covers", covers)
      .write();
  return {SnapshotLoad::Outcome::loaded, ""};
}

}  // namespace spamgate

#include "learning/feedback_channel.h"

#include <set>

#include "learning/fuzzy_teacher.h"
#include "util/ascii.h"
#include "util/logfmt.h"

namespace spamgate {

Result<std::unique_ptr<FeedbackChannel>> FeedbackChannel::open(const std::string& db_path, FeedbackLog& log,
                                                               RedisLink* redis, Learner* learner,
                                                               int snapshot_every) {
  std::unique_ptr<FeedbackChannel> channel(new FeedbackChannel(log, learner));
  if (redis == nullptr) return channel;
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

Result<int64_t> FeedbackChannel::forget_email(const std::string& email) {
  if (email.empty()) return Error{"say whose decisions to forget (an e-mail address)"};
  if (!stream_) return decide(LearningEvent{LearningEvent::Op::forget_email, {}, email});
  Result<int64_t> forgotten = decide(erase_event_for_stream(email));
  if (!forgotten) return forgotten;
  if (Status kept = stream_->drop_kept_mentioning(email); !kept) return Error{kept.error()};
  const auto without_email = [&email](const std::string& snapshot) { return snapshot_without(snapshot, email); };
  if (Status scrubbed = stream_->scrub(email, without_email); !scrubbed)
    LogLine("warn").add("msg", "the learning stream could not be cleared of an erased address yet").add("error", scrubbed.error()).write();
  return forgotten;
}

Result<int> FeedbackChannel::sync() { return stream_ ? stream_->sync() : Result<int>(0); }

Result<int> FeedbackChannel::wait_and_sync(std::chrono::milliseconds wait) {
  return stream_ ? stream_->wait_and_sync(wait) : Result<int>(0);
}

Result<bool> FeedbackChannel::compact() { return stream_ ? stream_->compact() : Result<bool>(false); }

Result<int64_t> FeedbackChannel::decide(const LearningEvent& event) {
  Result<int64_t> result =
      stream_ ? stream_->append({learning_op_name(event.op), encode_learning_event(event)},
                                [&] { return apply_event(event); })
              : apply_event(event);
  refresh_learner();
  return result;
}

Result<int64_t> FeedbackChannel::apply_event(const LearningEvent& event) {
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
    case LearningEvent::Op::merge:
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
    case LearningEvent::Op::merge: return log_.merge_all(event.decisions);
    case LearningEvent::Op::forget: return stream_ ? log_.forget_site_key(event.target) : log_.forget(event.target);
    case LearningEvent::Op::forget_email: break;  // apply_event() erases each address itself
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

Result<std::string> FeedbackChannel::snapshot_without(const std::string& text, std::string_view email) {
  Result<LearningSnapshot> decoded = decode_learning_snapshot(text);
  if (!decoded) return Error{decoded.error()};
  const std::string needle = ascii_lowercase(email);
  std::erase_if(decoded->decisions, [&needle](const FeedbackRecord& f) {
    return ascii_lowercase(encode_learning_event({LearningEvent::Op::record, {f}, ""})).find(needle) !=
           std::string::npos;
  });
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
  return {true, apply_event(*decoded)};
}

void FeedbackChannel::applied(int) { refresh_learner(); }

Result<std::string> FeedbackChannel::snapshot(const std::string& covers) {
  Result<std::vector<FeedbackRecord>> decisions = log_.labels();
  if (!decisions) return Error{decisions.error()};
  return encode_learning_snapshot({covers, std::move(*decisions)});
}

Result<std::optional<StreamEvent>> FeedbackChannel::own_history() {
  Result<std::vector<FeedbackRecord>> mine = log_.labels();
  if (!mine) return Error{mine.error()};
  if (mine->empty()) return std::optional<StreamEvent>{};
  const LearningEvent merge{LearningEvent::Op::merge, std::move(*mine), ""};
  return std::optional<StreamEvent>{StreamEvent{learning_op_name(merge.op), encode_learning_event(merge)}};
}

SnapshotLoad FeedbackChannel::load_snapshot(std::string_view snapshot, const std::string& covers, bool merge) {
  Result<LearningSnapshot> decoded = decode_learning_snapshot(snapshot);
  if (!decoded) return {SnapshotLoad::Outcome::malformed, decoded.error()};
  if (decoded->covers != covers)
    return {SnapshotLoad::Outcome::failed, "the learning snapshot is being replaced; trying again"};
  if (merge) {
    if (Result<int64_t> merged = log_.merge_all(decoded->decisions); !merged)
      return {SnapshotLoad::Outcome::failed, merged.error()};
  } else if (Status replaced = log_.replace_all(decoded->decisions); !replaced) {
    return {SnapshotLoad::Outcome::failed, replaced.error()};
  }
  LogLine("info")
      .add("msg", merge ? "learning snapshot merged with this node's own decisions" : "learning snapshot loaded")
      .add("decisions", static_cast<long long>(decoded->decisions.size()))
      .add("covers", covers)
      .write();
  return {SnapshotLoad::Outcome::loaded, ""};
}

}  // namespace spamgate

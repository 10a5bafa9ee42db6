// LearningEvent: one entry of the shared learning stream (and the snapshot
// the leader writes), decoded from what Redis holds. Anyone who can write to
// that Redis can put anything there, so the decoders trust nothing: any
// bytes give a decoded value or a one-line reason, never an exception, a
// crash or undefined behaviour (fuzzed by tests/fuzz/fuzz_learning_event.cpp).
// A reason never quotes the data it rejects (it may hold a person's e-mail).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/feedback_log.h"
#include "util/result.h"

namespace spamgate {

struct LearningEvent {
  // merge: a node joining the cluster with its own history (FeedbackLog::merge_all).
  enum class Op { record, record_all, merge, forget, forget_email };
  Op op = Op::record;
  std::vector<FeedbackRecord> decisions;  // record: one; record_all, merge: any number
  std::string target;                     // forget: the decision's id; forget_email: the address,
                                          // or with `hashed` its email_digest()
  bool hashed = false;
  int64_t erased_at = 0;  // hashed forget_email: when it was erased (unix seconds; 0 = not said)
};

// The key an erasure travels under on the shared stream, so that no Redis
// value holds the address it erases: hex SHA-256 of the address with its
// ASCII letters lowered (addresses match case-insensitively in the store).
std::string email_digest(std::string_view email);
// The erasure of `email` at `erased_at` as the stream carries it (hashed).
LearningEvent erase_event_for_stream(std::string_view email, int64_t erased_at);

// The event of a stream entry's "op" and "data" fields.
Result<LearningEvent> decode_learning_event(std::string_view op, std::string_view data);

// A stream entry's "data" for an event (what decode_learning_event reads back).
std::string encode_learning_event(const LearningEvent& event);
// The "op" field naming an event's kind.
const char* learning_op_name(LearningEvent::Op op);

struct LearningSnapshot {
  std::string covers;  // the stream id the snapshot is complete up to
  std::vector<FeedbackRecord> decisions;
};

// The snapshot's JSON ({"covers": ID, "decisions": [...]}); `covers` must
// be a stream id (shared/event_stream.h's parse_stream_id).
Result<LearningSnapshot> decode_learning_snapshot(std::string_view text);
std::string encode_learning_snapshot(const LearningSnapshot& snapshot);

}  // namespace spamgate

// ReviewBudget: how much blocked text the review store keeps, so that no
// one can fill the disk by posting. Runs on the submission log's writer
// thread only (a hash-map look-up per row; SQL only when over budget).
//   - per client address and hour, at most `per_client_hour` rejected or
//     discarded submissions keep their text;
//   - a body already kept within the hour is not kept again (identical
//     blocked bodies are stored once);
//   - over `max_bytes` of kept text in all, the oldest unreviewed rejects
//     and discards lose their text first.
// Passed text ([review] keep_passed_days) counts the same way and goes
// first when over the total, without a not_kept mark (it is no review item).
// It never drops or evicts the text of a held submission, of one with the
// owner's decision, or of a contact message kept because mail is off. A row
// whose text is not kept is still written, with `not_kept` saying why, so
// the review screen can say "N more from 203.0.113.7 not kept".
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/database.h"
#include "store/submission_record.h"

namespace spamgate {

struct ReviewBudgetOptions {
  int per_client_hour = 20;            // 0 = no per-client limit
  int64_t max_bytes = 256LL << 20;     // kept text in all; 0 = no limit
};

class ReviewBudget {
 public:
  // `kept_bytes`: kept_bytes_in() the store when it opens.
  ReviewBudget(ReviewBudgetOptions options, int64_t kept_bytes) : options_(options), kept_bytes_(kept_bytes) {}

  // How much blocked text the store keeps now, in bytes.
  static Result<int64_t> kept_bytes_in(Database& db);
  // Decides for one row about to be written: keeps its text, or clears it
  // and sets not_kept ("client" or "duplicate").
  void admit(SubmissionRecord& row);
  // After a batch is written: over max_bytes, the oldest unreviewed
  // rejects and discards lose their text (not_kept "budget") until the
  // store keeps at most 90% of max_bytes.
  Status enforce(Database& db);
  // Re-reads the kept total (retention and erasure delete text too).
  Status resync(Database& db);

  uint64_t not_kept() const { return not_kept_.load(); }
  int64_t kept_bytes() const { return kept_bytes_; }

 private:
  bool droppable(const SubmissionRecord& row) const;
  void start_hour(int64_t hour);

  ReviewBudgetOptions options_;
  int64_t kept_bytes_ = 0;
  int64_t hour_ = -1;
  std::unordered_map<std::string, int> per_client_;  // this hour: texts kept per address
  std::unordered_map<uint64_t, int> bodies_;         // this hour: body hashes kept
  std::atomic<uint64_t> not_kept_{0};
};

}  // namespace spamgate

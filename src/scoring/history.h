// SubmissionHistory: the state the stateful built-in checks need across
// requests (RATE_IP token buckets, DUPLICATE body hashes). An interface so
// the scorer knows nothing of where it lives: in memory with SQLite
// write-behind (store/), in Redis for several nodes (shared/), or a fake in
// unit tests. A request's questions are asked together (answer()), so a
// history in Redis answers them in one round trip, or in none (record())
// when the verdict cannot change.
// Implementations must be safe to call from many request threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/clock.h"

namespace spamgate {

// Everything one request asks the history, at most one question of each kind.
struct HistoryQuestions {
  struct Rate {
    std::string_view ip;
    double per_minute;
    double burst;
  };
  struct Duplicate {
    uint64_t body_hash;
    int window_seconds;
  };
  std::optional<Rate> rate;            // RATE_IP: take a token from the IP's bucket
  std::optional<Duplicate> duplicate;  // DUPLICATE: record the body, say whether it was seen
};

struct HistoryAnswers {
  bool rate_limited = false;  // asked, and the IP's bucket was empty
  bool duplicate = false;     // asked, and the body was seen within the window
};

class SubmissionHistory {
 public:
  virtual ~SubmissionHistory() = default;

  // Answers every question asked, as the two calls below would in turn. A
  // history kept elsewhere overrides it to answer in one exchange.
  virtual HistoryAnswers answer(const HistoryQuestions& questions, TimePoint now) {
    HistoryAnswers answers;
    if (questions.rate)
      answers.rate_limited = !take_rate_token(questions.rate->ip, questions.rate->per_minute, questions.rate->burst, now);
    if (questions.duplicate)
      answers.duplicate = seen_recently(questions.duplicate->body_hash, questions.duplicate->window_seconds, now);
    return answers;
  }

  // Records what `questions` record (a token taken, the body seen) for a
  // submission whose action no longer depends on the answers: it is at the
  // highest threshold without them. A history kept elsewhere may return
  // before its copy is written and answer from what it knows without
  // waiting (SharedHistory: this node's own view of the site's counts).
  // By default the same as answer().
  virtual HistoryAnswers record(const HistoryQuestions& questions, TimePoint now) { return answer(questions, now); }

  // Takes one token from `ip`'s bucket (refilled at per_minute tokens per
  // minute up to burst). Returns false when the bucket was empty.
  virtual bool take_rate_token(std::string_view ip, double per_minute, double burst, TimePoint now) = 0;

  // Records that a body with `body_hash` was seen now. Returns true when the
  // same hash had been seen within the last `window_seconds`.
  virtual bool seen_recently(uint64_t body_hash, int window_seconds, TimePoint now) = 0;
};

}  // namespace spamgate

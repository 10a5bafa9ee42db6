// Learner: keeps the site's LearnedModel in step with the feedback log, the
// one source of truth. When the log changed (a click, a history import, a
// CLI label, a forgotten decision, in this process or another), it retrains
// from the decisions in effect and swaps in a new immutable snapshot;
// request threads keep scoring the snapshot they took. It never learns from
// spamgate's own verdicts: only from decisions people made.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "scoring/learn/learned_model.h"
#include "store/feedback_log.h"

namespace spamgate {

// A decision as the learner sees it: the submission it was about.
Submission labelled_submission(const FeedbackRecord& decision);

// A model trained from scratch on `decisions` (train_all), gated at min_per_class.
std::shared_ptr<const LearnedModel> train_on_decisions(const std::vector<FeedbackRecord>& decisions,
                                                       int64_t min_per_class);

class Learner {
 public:
  // `log` must outlive the learner. The model is empty (silent) until the
  // first refresh().
  Learner(FeedbackLog& log, int64_t min_per_class);

  // Retrains when the log changed since the last refresh. On a store error
  // the current model stays and the error is returned. Thread-safe;
  // concurrent calls run one after the other.
  Status refresh();

  // The current snapshot (never null).
  std::shared_ptr<const LearnedModel> current() const;

  // {"spam":S,"ham":H,"min_per_class":N,"active":bool,"updated_at":unix}
  nlohmann::json status() const;

 private:
  FeedbackLog& log_;
  const int64_t min_per_class_;
  std::mutex refresh_mutex_;      // one retrain at a time
  mutable std::mutex swap_mutex_;  // guards model_, signature_, updated_at_ (held only to copy or swap)
  std::shared_ptr<const LearnedModel> model_;
  std::string signature_;
  int64_t updated_at_ = 0;
};

}  // namespace spamgate

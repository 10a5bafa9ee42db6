#include "learning/learner.h"

#include <chrono>

namespace spamgate {

Submission labelled_submission(const FeedbackRecord& decision) {
  Submission s;
  s.kind = decision.kind == "contact" ? SubmissionKind::contact
           : decision.kind == "form"  ? SubmissionKind::form
                                      : SubmissionKind::comment;
  s.author = decision.author;
  s.email = decision.email;
  s.url = decision.url;
  s.subject = decision.subject;
  s.body = decision.body;
  s.ip = decision.ip;
  return s;
}

std::shared_ptr<const LearnedModel> train_on_decisions(const std::vector<FeedbackRecord>& decisions,
                                                       int64_t min_per_class) {
  std::vector<ModelTrainer::Example> examples;
  examples.reserve(decisions.size());
  for (const FeedbackRecord& decision : decisions)
    examples.push_back({extract_features(labelled_submission(decision)), decision.is_spam()});
  ModelTrainer trainer;
  trainer.train_all(examples);
  return trainer.snapshot(min_per_class);
}

Learner::Learner(FeedbackLog& log, int64_t min_per_class)
    : log_(log), min_per_class_(min_per_class), model_(ModelTrainer().snapshot(min_per_class)) {}

Status Learner::refresh() {
  std::lock_guard refreshing(refresh_mutex_);
  Result<std::string> signature = log_.signature();
  if (!signature) return Error{signature.error()};
  {
    std::lock_guard lock(swap_mutex_);
    if (*signature == signature_) return {};
  }
  Result<std::vector<FeedbackRecord>> decisions = log_.labels();
  if (!decisions) return Error{decisions.error()};
  std::shared_ptr<const LearnedModel> model = train_on_decisions(*decisions, min_per_class_);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard lock(swap_mutex_);
  model_ = std::move(model);
  signature_ = *signature;
  updated_at_ = now;
  return {};
}

std::shared_ptr<const LearnedModel> Learner::current() const {
  std::lock_guard lock(swap_mutex_);
  return model_;
}

nlohmann::json Learner::status() const {
  std::lock_guard lock(swap_mutex_);
  return nlohmann::json{{"spam", model_->counts().spam},
                        {"ham", model_->counts().ham},
                        {"min_per_class", min_per_class_},
                        {"active", model_->active()},
                        {"updated_at", updated_at_}};
}

}  // namespace spamgate

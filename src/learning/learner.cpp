#include "learning/learner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "util/fnv1a.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

ModelTrainer::Example example_of(const FeedbackRecord& decision) {
  return {extract_features(decision.submission()), decision.is_spam()};
}

std::vector<ModelTrainer::Example> examples_of(const std::vector<FeedbackRecord>& decisions) {
  std::vector<ModelTrainer::Example> examples;
  examples.reserve(decisions.size());
  for (const FeedbackRecord& decision : decisions) examples.push_back(example_of(decision));
  return examples;
}

}  // namespace

std::shared_ptr<const LearnedModel> train_on_decisions(const std::vector<FeedbackRecord>& decisions,
                                                       int64_t min_per_class) {
  ModelTrainer trainer;
  trainer.train_all(examples_of(decisions));
  return trainer.snapshot(min_per_class);
}

std::string model_fingerprint() {
  // The settings, and the features of a probe in English, Japanese and
  // links: a change to either makes saved weights mean something else.
  const TrainerOptions options;
  char settings[200];
  std::snprintf(settings, sizeof settings, "bits=%u alpha=%g beta=%g l1=%g l2=%g epochs=%d balance=%d", kFeatureBits,
                options.alpha, options.beta, options.l1, options.l2, options.epochs, options.balance_classes ? 1 : 0);
  uint64_t hash = fnv1a(kFnv1aBasis, settings);
  Submission probe;
  probe.author = "Probe Author";
  probe.email = "probe@example.co.uk";
  probe.url = "https://www.example.co.uk/page";
  probe.body = "Cheap WATCHES at https://shop.example.com/x?id=1 &amp; 100% free! 格安のブランド時計をお届けします。";
  for (const Feature& f : extract_features(probe)) {
    char part[40];
    std::snprintf(part, sizeof part, "%u:%.9g;", f.slot, static_cast<double>(f.value));
    hash = fnv1a(hash, part);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("ftrl1-") + hex;
}

struct Learner::Trained {
  ModelTrainer trainer;
  LogMark covers;
  std::chrono::steady_clock::duration took{};  // reading the log and training
};

Learner::Learner(FeedbackLog& log, int64_t min_per_class, ModelStore* saved, RebuildPolicy policy)
    : log_(log),
      saved_(saved),
      min_per_class_(min_per_class),
      policy_(policy),
      trainer_(std::make_unique<ModelTrainer>()),
      model_(ModelTrainer().snapshot(min_per_class)),
      published_({{"updated_at", 0}, {"covers", 0}, {"exact", true}, {"rebuilt_at", 0}}) {}

Learner::~Learner() { stop_background(); }

void Learner::stop_background() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (background_.joinable()) background_.join();
}

Result<Learner::Trained> Learner::train_from_log() {
  const auto began = std::chrono::steady_clock::now();
  Result<MarkedLabels> labels = log_.marked_labels();
  if (!labels) return Error{labels.error()};
  const std::vector<ModelTrainer::Example> examples = examples_of(labels->decisions);
  labels->decisions.clear();
  labels->decisions.shrink_to_fit();
  Trained trained{ModelTrainer(), labels->mark};
  trained.trainer.train_all(examples);
  trained.took = std::chrono::steady_clock::now() - began;
  return trained;
}

void Learner::save(const Trained& trained) {
  if (saved_ == nullptr) return;
  const StoredModel model{model_fingerprint(), trained.covers.newest_id, trained.covers.rows,
                          trained.trainer.encode_state(), unix_now(),
                          std::chrono::duration_cast<std::chrono::milliseconds>(trained.took).count()};
  // The log stays the truth: an unsaved model costs one retrain at the next start.
  if (Status stored = saved_->save(model); !stored)
    LogLine("warn").add("msg", "the learned model could not be saved").add("error", stored.error()).write();
}

void Learner::adopt(Trained trained) {
  std::lock_guard lock(state_mutex_);
  trainer_ = std::make_unique<ModelTrainer>(std::move(trained.trainer));
  seen_ = trained.covers;
  rebuild_took_ = trained.took;
  taught_ = 0;
  deleted_ = false;
  {
    std::lock_guard swap(swap_mutex_);
    published_["rebuilt_at"] = unix_now();
  }
  if (Status caught_up = catch_up_locked(); !caught_up)  // taught by the next refresh
    LogLine("warn").add("msg", "decisions after the rebuild could not be read yet").add("error", caught_up.error()).write();
  publish_locked();
}

Status Learner::catch_up_locked() {
  Result<LogDelta> delta = log_.added_after(seen_.newest_id);
  if (!delta) return Error{delta.error()};
  if (delta->mark == seen_) return Status::success();
  // A batch that makes a rebuild due by itself (an import, a replay after a
  // restart) is taught one step a decision, as the rebuild right after it
  // makes the model exact; a click is taught until its own text is convinced.
  const bool rebuild_follows = policy_.due_by_share(static_cast<int64_t>(delta->added.size()), delta->mark.rows);
  for (const FeedbackRecord& decision : delta->added) {
    if (rebuild_follows) {
      trainer_->learn(example_of(decision));
    } else {
      teach_locked(decision);
    }
  }
  if (delta->mark.rows != seen_.rows + static_cast<int64_t>(delta->added.size())) deleted_ = true;
  if (taught_ == 0) taught_since_ = std::chrono::steady_clock::now();
  taught_ += static_cast<int64_t>(delta->added.size());
  seen_ = delta->mark;
  if (rebuild_due_locked()) wake();
  return Status::success();
}

void Learner::teach_locked(const FeedbackRecord& decision) {
  const ModelTrainer::Example example = example_of(decision);
  ModelCounts counts = trainer_->counts();
  ++(example.spam ? counts.spam : counts.ham);
  // The scorer's pull toward ham once this decision counts.
  const double shift = LearnedModel::evidence_shift(counts);
  if (!std::isfinite(shift)) {  // a class is still untaught: LEARNED is silent whatever the weights
    trainer_->learn(example);
    return;
  }
  const double convinced = std::log(kConvinced / (1 - kConvinced));
  trainer_->learn_until(example, shift + (example.spam ? convinced : -convinced), kMaxTeachingSteps);
}

bool Learner::rebuild_due_locked() const {
  if (deleted_) return true;
  if (taught_ == 0) return false;
  const auto waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - taught_since_);
  return policy_.due_by_share(taught_, seen_.rows) ||
         waited >= policy_.wait_factor * std::chrono::duration<double>(rebuild_took_);
}

bool Learner::rebuild_due() {
  std::lock_guard lock(state_mutex_);
  return rebuild_due_locked();
}

void Learner::publish_locked() {
  std::shared_ptr<const LearnedModel> model = trainer_->snapshot(min_per_class_);
  std::lock_guard lock(swap_mutex_);
  model_ = std::move(model);
  published_["updated_at"] = unix_now();
  published_["covers"] = seen_.newest_id;
  published_["exact"] = taught_ == 0 && !deleted_;
}

Status Learner::start() {
  std::lock_guard building(rebuild_mutex_);
  if (started_) return Status::success();
  const auto began = std::chrono::steady_clock::now();
  if (saved_ != nullptr) {
    Result<std::optional<StoredModel>> stored = saved_->load();
    if (!stored) return Error{stored.error()};
    Trained loaded{ModelTrainer(), {}, {}};
    if (*stored && (*stored)->fingerprint == model_fingerprint() && loaded.trainer.decode_state((*stored)->state)) {
      loaded.covers = {(*stored)->covers_rows, (*stored)->covers_id};
      loaded.took = std::chrono::milliseconds((*stored)->rebuild_ms);
      adopt(std::move(loaded));
      started_ = true;
      LogLine("info")
          .add("msg", "learned model loaded")
          .add("covers", static_cast<long long>((*stored)->covers_id))
          .add("exact", status()["exact"].get<bool>() ? "yes" : "no, rebuilding in the background")
          .add("ms", ms_since(began))
          .write();
      return Status::success();
    }
    if (*stored)
      LogLine("info").add("msg", "the saved learned model does not fit this build (its features or settings); retraining").write();
  }
  Result<Trained> trained = train_from_log();
  if (!trained) return Error{trained.error()};
  save(*trained);
  adopt(std::move(*trained));
  started_ = true;
  LogLine("info").add("msg", "learned model trained from the feedback log").add("ms", ms_since(began)).write();
  return Status::success();
}

Status Learner::refresh() {
  if (!started_) return start();
  std::lock_guard lock(state_mutex_);
  const LogMark before = seen_;
  if (Status caught_up = catch_up_locked(); !caught_up) return caught_up;
  if (!(seen_ == before)) publish_locked();
  return Status::success();
}

Status Learner::rebuild() {
  if (!started_) return start();
  std::lock_guard building(rebuild_mutex_);
  const auto began = std::chrono::steady_clock::now();
  Result<Trained> trained = train_from_log();
  if (!trained) return Error{trained.error()};
  const int64_t covers = trained->covers.newest_id;
  save(*trained);
  adopt(std::move(*trained));
  LogLine("info")
      .add("msg", "learned model rebuilt")
      .add("covers", static_cast<long long>(covers))
      .add("ms", ms_since(began))
      .write();
  return Status::success();
}

Status Learner::settle() {
  if (Status refreshed = refresh(); !refreshed) return refreshed;
  bool exact = false;
  {
    std::lock_guard lock(state_mutex_);
    exact = taught_ == 0 && !deleted_;
  }
  return exact ? Status::success() : rebuild();
}

void Learner::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void Learner::run_in_background(std::chrono::milliseconds poll) {
  background_ = std::thread([this, poll] {
    using Clock = std::chrono::steady_clock;
    Clock::time_point next_rebuild = Clock::now();
    std::string last_error;
    const auto report = [&last_error](const Status& done) {
      if (!done && done.error() != last_error)
        LogLine("error").add("msg", "the learner could not read the feedback log").add("error", done.error()).write();
      last_error = done ? "" : done.error();
    };
    std::unique_lock lock(wake_mutex_);
    while (!stopping_) {
      Clock::time_point until = Clock::now() + poll;
      lock.unlock();
      if (rebuild_due() && next_rebuild < until) until = next_rebuild;
      lock.lock();
      wake_cv_.wait_until(lock, until, [this] { return stopping_ || woken_; });
      if (stopping_) break;
      woken_ = false;
      lock.unlock();
      report(refresh());
      if (rebuild_due() && Clock::now() >= next_rebuild) {
        const Clock::time_point began = Clock::now();
        const Status rebuilt = rebuild();
        report(rebuilt);
        const Clock::duration took = std::max<Clock::duration>(Clock::now() - began, std::chrono::milliseconds(20));
        next_rebuild = Clock::now() + (rebuilt ? took : std::max<Clock::duration>(took, poll));  // at most half of one core
      }
      lock.lock();
    }
  });
}

std::shared_ptr<const LearnedModel> Learner::current() const {
  std::lock_guard lock(swap_mutex_);
  return model_;
}

nlohmann::json Learner::status() const {
  std::lock_guard lock(swap_mutex_);
  nlohmann::json out = {{"spam", model_->counts().spam},
                        {"ham", model_->counts().ham},
                        {"min_per_class", min_per_class_},
                        {"active", model_->active()}};
  out.update(published_);
  return out;
}

}  // namespace spamgate

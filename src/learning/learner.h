// Learner: keeps the site's LearnedModel in step with the feedback log, the
// one source of truth, at a cost that grows gently with the log. A new
// decision (a click, a history import, a CLI label, in this process or
// another) is taught on top of the current trainer at once (refresh(): cost
// of the new rows only), with as many steps as its own text needs to score
// as the person labelled it (one step each in a batch, such as an import,
// that makes a rebuild due by itself). A full rebuild from the decisions in effect
// follows once RebuildPolicy says so (enough new rows for the log's size,
// a deletion, or a wait scaled by what a rebuild costs), on the learner's
// own thread, one at a time, while the previous immutable snapshot serves;
// request threads keep scoring the snapshot they took. Each rebuild is saved
// to the store with the feedback row id it covers, and a restart loads it
// and replays only the newer decisions. A forgotten decision is unlearned
// by a rebuild at once. It never learns from spamgate's own verdicts: only
// from decisions people made.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "scoring/learn/learned_model.h"
#include "store/feedback_log.h"
#include "store/model_store.h"

namespace spamgate {

// A model trained from scratch on `decisions` (train_all), gated at min_per_class.
std::shared_ptr<const LearnedModel> train_on_decisions(const std::vector<FeedbackRecord>& decisions,
                                                       int64_t min_per_class);

// What the features and the trainer's settings of this build are: a saved
// model with another fingerprint was trained differently and is not loaded.
std::string model_fingerprint();

// When the background thread rebuilds a model that decisions were taught
// to one by one: a click then costs its own rows plus, amortised, a
// rebuild's share, and with [shared] a node does not retrain per click.
struct RebuildPolicy {
  // Once the rows taught since the last rebuild reach this share of the
  // log (at least one row).
  double share = 0.01;
  // Or once the oldest of them has waited this many times as long as the
  // last rebuild took: a click is in a rebuild within about 70 ms on a site of
  // 170 decisions and within a minute or two at 100,000, and rebuilds for
  // clicks take at most 1/wait_factor of one core.
  double wait_factor = 20;
  // A deleted decision (forgotten, erased) is unlearned by a rebuild at once.

  // Whether `taught` rows on a log of `log_rows` reach `share`.
  bool due_by_share(int64_t taught, int64_t log_rows) const {
    return static_cast<double>(taught) >= share * static_cast<double>(log_rows);
  }
};

class Learner {
 public:
  // A decision taught one by one is stepped on until its own text scores
  // at least this spam probability toward its label as LEARNED sees it
  // (after the evidence prior; for ham, at most 1 - this), or for
  // kMaxTeachingSteps steps: a click changes the clicked text's verdict at
  // once (with the default bands, 0.65 and up holds), while the rest of the
  // model moves little until the next rebuild makes it exact.
  static constexpr double kConvinced = 0.8;
  static constexpr int kMaxTeachingSteps = 32;

  // `log` (and `saved`, when given) must outlive the learner. `saved` null:
  // nothing is loaded or saved. The model is empty (silent) until start().
  Learner(FeedbackLog& log, int64_t min_per_class, ModelStore* saved = nullptr, RebuildPolicy policy = {});
  ~Learner();  // stop_background()

  // Brings the model up to the log once, before serving: loads the saved
  // model when it has this build's fingerprint and replays the decisions
  // after it; otherwise retrains from the whole log and saves the result.
  // Later calls do nothing. Thread-safe.
  Status start();

  // Teaches the decisions added to the log since the last refresh on top
  // of the current model and swaps in a new snapshot; wakes the background
  // thread when a rebuild is due.
  // Costs the new rows only. start()s first when not started. On a store
  // error the current model stays and the error is returned. Thread-safe.
  Status refresh();

  // Retrains from every decision in effect, saves that, and swaps it in
  // with the decisions added meanwhile taught on top. Thread-safe; one at
  // a time; the current snapshot serves meanwhile.
  Status rebuild();

  // refresh(), then rebuild() unless the model is a rebuild already:
  // afterwards it is exactly what a retrain from the log gives (tests).
  Status settle();

  // Runs refresh() every `poll` (decisions other processes add) and the
  // rebuilds RebuildPolicy makes due, on a thread of the learner's own, until destruction.
  // After a rebuild that took T, the next one starts T later at the
  // earliest: rebuilds take at most half of one core however fast
  // decisions arrive.
  void run_in_background(std::chrono::milliseconds poll);
  // Stops and joins that thread (a rebuild in progress finishes first).
  void stop_background();

  // The current snapshot (never null).
  std::shared_ptr<const LearnedModel> current() const;

  // {"spam":S,"ham":H,"min_per_class":N,"active":bool,"updated_at":unix,
  //  "covers":newest feedback row id taught,"exact":true when the model is
  //  a full retrain of the log as of "covers","rebuilt_at":unix}
  nlohmann::json status() const;

 private:
  struct Trained;
  Result<Trained> train_from_log();
  void save(const Trained& trained);
  void adopt(Trained trained);
  // With state_mutex_ held: teaches what the log gained since seen_.
  Status catch_up_locked();
  // With state_mutex_ held: teaches one decision until it is kConvinced.
  void teach_locked(const FeedbackRecord& decision);
  bool rebuild_due();
  bool rebuild_due_locked() const;
  void publish_locked();
  void wake();

  FeedbackLog& log_;
  ModelStore* saved_;
  const int64_t min_per_class_;
  std::atomic<bool> started_{false};

  std::mutex rebuild_mutex_;  // one start() or rebuild() at a time
  const RebuildPolicy policy_;
  std::mutex state_mutex_;    // guards trainer_ and the fields below it
  std::unique_ptr<ModelTrainer> trainer_;
  LogMark seen_;            // the log as far as trainer_ has been taught
  int64_t taught_ = 0;      // rows taught one by one since the last rebuild
  bool deleted_ = false;    // a row the last rebuild learned is gone
  std::chrono::steady_clock::time_point taught_since_;  // when the first of them was taught
  std::chrono::steady_clock::duration rebuild_took_{};  // the last rebuild's time (read, train)

  mutable std::mutex swap_mutex_;  // guards the published snapshot and its status (held only to copy or swap)
  std::shared_ptr<const LearnedModel> model_;
  nlohmann::json published_;  // status() beyond the counts

  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread background_;
};

}  // namespace spamgate

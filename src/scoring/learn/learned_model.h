// LearnedModel and ModelTrainer: the site's own spam classifier, a
// logistic regression (FTRL-Proximal, per-coordinate learning rates) over
// hashed features. The trainer is mutable and has one writer; the model is
// the immutable snapshot request threads score against (swapped whole, like
// the RuleSet). Neither does I/O: the trainer's state goes to and comes
// from bytes here, and store/model_store.h keeps them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/learn/features.h"

namespace spamgate {

// What the model knows about how much it has been taught.
struct ModelCounts {
  int64_t spam = 0;     // spam labels in effect
  int64_t ham = 0;      // ham labels in effect
};

// One feature's part in a probability, for explanations.
struct Contribution {
  uint32_t slot;
  double weight;  // weight x value: > 0 pushes toward spam
};

class LearnedModel {
 public:
  LearnedModel(std::vector<float> weights, ModelCounts counts, int64_t min_per_class)
      : weights_(std::move(weights)), counts_(counts), min_per_class_(min_per_class) {}

  // The model's spam probability of a submission with these features, in (0, 1).
  double probability(const FeatureVector& features) const;
  // The probability LEARNED acts on: probability() pulled toward ham by
  // evidence_shift(), a prior that fades as the site teaches more, so that
  // a model taught a handful of examples needs a far stronger case to reach
  // a band than one taught hundreds.
  double confident_probability(const FeatureVector& features) const;
  // confident_probability() of a submission whose margin is known: the sum,
  // in double, of weight(slot) x value over its features in the vector's
  // order (for a caller that has read the weights already; the same result).
  double confident_probability_of_margin(double margin) const;
  // How far confident_probability() is pulled toward ham, in log-odds:
  // kEvidencePrior / n, where n is the smaller of the spam and ham counts
  // (1.0 at 5, 0.1 at 50); infinite while either class is untaught.
  double evidence_shift() const { return evidence_shift(counts_); }
  // The same for a model taught `counts` (a trainer asking before it snapshots).
  static double evidence_shift(const ModelCounts& counts);
  // Tuned on the dev corpus (scripts/eval, small-site protocol).
  static constexpr double kEvidencePrior = 5.0;
  // The `limit` features that pushed most toward spam (when `spam`) or ham.
  std::vector<Contribution> strongest(const FeatureVector& features, bool spam, size_t limit) const;

  // True once the site has taught at least min_per_class spam and ham (a
  // floor; evidence_shift() does the rest of the gating): before that,
  // LEARNED scores nothing.
  bool active() const { return counts_.spam >= min_per_class_ && counts_.ham >= min_per_class_; }
  const ModelCounts& counts() const { return counts_; }
  int64_t min_per_class() const { return min_per_class_; }
  float weight(uint32_t slot) const { return weights_[slot]; }
  // The table weight() reads (kFeatureSlots entries), for prefetching.
  const float* weight_table() const { return weights_.data(); }

 private:
  std::vector<float> weights_;  // kFeatureSlots entries
  ModelCounts counts_;
  int64_t min_per_class_;
};

// FTRL-Proximal's settings (McMahan et al., 2013), tuned on the dev corpus.
struct TrainerOptions {
  double alpha = 2.0;   // learning rate scale
  double beta = 1.0;    // learning rate smoothing
  double l1 = 0.002;    // L1: keeps rare, useless features at zero
  double l2 = 0.01;     // L2
  int epochs = 15;      // train_all: passes over every example, each in a fresh shuffled order
  // Each class weighs half of the training, however many of each the site
  // has marked (a small site marks 4 ham for each spam; a spam folder may
  // hold 10 spam for each ham): an example's gradient is scaled by
  // (spam + ham) / (2 x its class's count).
  bool balance_classes = true;
  // One step moves a weight by at most about alpha / beta: a single label,
  // however extreme, has a bounded effect.
};

class ModelTrainer {
 public:
  explicit ModelTrainer(TrainerOptions options = {});

  // Teaches every example from scratch: `epochs` passes, each in a
  // shuffled order fixed by the examples themselves (the same examples give
  // the same model), so the order labels arrived in does not matter (a blog
  // sends its approved comments, then its spam folder). Counts them all.
  struct Example {
    FeatureVector features;
    bool spam;
  };
  void train_all(const std::vector<Example>& examples);

  // Online: teaches one more example on top of what the trainer knows (one
  // FTRL step; more steps on one example drift further from a retrain, as
  // measured in tests/unit/test_learner_scale.cpp) and counts it. Costs the
  // example's features only; the weights are close to, not the same as,
  // what train_all() on every example would give (the learner rebuilds for that).
  void learn(const Example& example);
  // Online, for a decision a person made: learn(), then more steps on this
  // example alone until its margin (log-odds) is at least `target` for spam,
  // at most `target` for ham, or `max_steps` steps in all were taken; the
  // labelled text then scores as labelled at once. The further steps move
  // only the rarer half of its features, so other texts move little (the
  // bias, lengths and common words are left alone). Costs the example's
  // features per step.
  void learn_until(const Example& example, double target, int max_steps);

  // The whole state (FTRL's per-slot state of every slot used, the counts)
  // as bytes, and back: a decoded trainer scores and learns exactly like
  // the one encoded. decode_state() returns false (and leaves the trainer
  // as it was) for bytes encode_state() did not write.
  std::string encode_state() const;
  bool decode_state(std::string_view bytes);

  // An immutable snapshot of the current weights, gated at min_per_class.
  std::shared_ptr<const LearnedModel> snapshot(int64_t min_per_class) const;

  const ModelCounts& counts() const { return counts_; }

 private:
  void step(const FeatureVector& features, double label, double weight);
  // FTRL's update of these features for an example's error (p - label, weighted).
  void move(const FeatureVector& features, double error);
  // The weight of one example of this class under balance_classes (1 otherwise).
  double class_weight(bool spam) const;
  void update_weight(uint32_t slot);

  TrainerOptions options_;
  std::vector<float> z_;  // FTRL's per-slot state
  std::vector<float> n_;
  std::vector<float> w_;  // the weights z_ and n_ give, kept current
  ModelCounts counts_;
};

}  // namespace spamgate

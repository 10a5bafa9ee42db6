// Explanations: says in a few words why the learned model judged as it did,
// naming the features that weighed most ("p=0.97: "my channel",
// "subscribe", host bit.ly"). Text for the site owner; safe to log. The
// features are named as extract_features cuts them, so that explaining a
// verdict costs no second walk over the text.
#pragma once

#include <string>
#include <vector>

#include "scoring/learn/learned_model.h"

namespace spamgate {

// Watches extract_features (as its FeatureObserver) and keeps, with their
// names, the few features of the submission that push most toward spam and
// toward ham (by weight x value, as LearnedModel::strongest ranks them). Of
// features equally strong, the first cut from the text is kept. Lives no
// longer than the model it refers to; watches one extraction.
class LearnedExplainer : public FeatureObserver {
 public:
  explicit LearnedExplainer(const LearnedModel& model) : model_(model) {}
  void walked(const WalkedFeatures& walk) override;
  const float* slot_table() const override { return model_.weight_table(); }

  // The model's confident_probability() of the features walked, from the
  // same single read of each weight as the explanation. Only after a walk.
  double probability() const { return model_.confident_probability_of_margin(margin_); }

  // "p=0.97: " followed by the (up to three) features seen that pushed most
  // toward spam when probability >= 0.5, toward ham otherwise.
  std::string explain(double probability) const;

 private:
  // The four strongest distinct slots each way, strongest first: the bias
  // may be among them and is never shown, so three remain.
  static constexpr size_t kKept = 4;

  const LearnedModel& model_;
  double margin_ = 0;  // sum of weight x value over the features walked
  std::vector<std::string> toward_spam_, toward_ham_;  // the names of the strongest, strongest first
};

// A feature's name ("w:subscribe", "h:bit.ly") as an owner reads it
// ("\"subscribe\"", "host bit.ly").
std::string readable_feature(const std::string& name);

}  // namespace spamgate

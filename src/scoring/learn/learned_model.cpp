#include "scoring/learn/learned_model.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace spamgate {
namespace {

double sigmoid(double margin) {
  margin = std::clamp(margin, -35.0, 35.0);
  return 1.0 / (1.0 + std::exp(-margin));
}

}  // namespace

double LearnedModel::probability(const FeatureVector& features) const {
  double margin = 0;
  for (const Feature& f : features) margin += weights_[f.slot] * f.value;
  return sigmoid(margin);
}

std::vector<Contribution> LearnedModel::strongest(const FeatureVector& features, bool spam, size_t limit) const {
  std::vector<Contribution> parts;
  for (const Feature& f : features) {
    const double part = weights_[f.slot] * f.value;
    if (spam ? part > 0 : part < 0) parts.push_back({f.slot, part});
  }
  const size_t keep = std::min(limit, parts.size());
  std::partial_sort(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(keep), parts.end(),
                    [](const Contribution& a, const Contribution& b) { return std::abs(a.weight) > std::abs(b.weight); });
  parts.resize(keep);
  return parts;
}

ModelTrainer::ModelTrainer(TrainerOptions options)
    : options_(options), z_(kFeatureSlots, 0.0f), n_(kFeatureSlots, 0.0f), w_(kFeatureSlots, 0.0f) {}

void ModelTrainer::update_weight(uint32_t slot) {
  const double z = z_[slot];
  if (std::abs(z) <= options_.l1) {
    w_[slot] = 0;
    return;
  }
  const double sign = z < 0 ? -1 : 1;
  w_[slot] = static_cast<float>(-(z - sign * options_.l1) /
                                ((options_.beta + std::sqrt(static_cast<double>(n_[slot]))) / options_.alpha +
                                 options_.l2));
}

void ModelTrainer::step(const FeatureVector& features, double label) {
  double margin = 0;
  for (const Feature& f : features) margin += w_[f.slot] * f.value;
  const double error = sigmoid(margin) - label;
  for (const Feature& f : features) {
    const double g = error * f.value;
    const double n = n_[f.slot];
    const double sigma = (std::sqrt(n + g * g) - std::sqrt(n)) / options_.alpha;
    z_[f.slot] = static_cast<float>(z_[f.slot] + g - sigma * w_[f.slot]);
    n_[f.slot] = static_cast<float>(n + g * g);
    update_weight(f.slot);
  }
}

void ModelTrainer::train_all(const std::vector<Example>& examples) {
  std::fill(z_.begin(), z_.end(), 0.0f);
  std::fill(n_.begin(), n_.end(), 0.0f);
  std::fill(w_.begin(), w_.end(), 0.0f);
  counts_ = {};
  std::vector<size_t> order(examples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 shuffle(examples.size());
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t i : order) step(examples[i].features, examples[i].spam ? 1 : 0);
  }
  for (const Example& example : examples) ++(example.spam ? counts_.spam : counts_.ham);
}

std::shared_ptr<const LearnedModel> ModelTrainer::snapshot(int64_t min_per_class) const {
  return std::make_shared<const LearnedModel>(w_, counts_, min_per_class);
}

}  // namespace spamgate

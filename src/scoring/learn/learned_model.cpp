#include "scoring/learn/learned_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace spamgate {
namespace {

double sigmoid(double margin) {
  margin = std::clamp(margin, -35.0, 35.0);
  return 1.0 / (1.0 + std::exp(-margin));
}

double margin_of(const std::vector<float>& weights, const FeatureVector& features) {
  double margin = 0;
  for (const Feature& f : features) margin += weights[f.slot] * f.value;
  return margin;
}

}  // namespace

double LearnedModel::probability(const FeatureVector& features) const {
  return sigmoid(margin_of(weights_, features));
}

double LearnedModel::evidence_shift(const ModelCounts& counts) {
  const int64_t evidence = std::min(counts.spam, counts.ham);
  if (evidence <= 0) return std::numeric_limits<double>::infinity();
  return kEvidencePrior / static_cast<double>(evidence);
}

double LearnedModel::confident_probability(const FeatureVector& features) const {
  return confident_probability_of_margin(margin_of(weights_, features));
}

double LearnedModel::confident_probability_of_margin(double margin) const {
  return sigmoid(margin - evidence_shift());
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

void ModelTrainer::step(const FeatureVector& features, double label, double weight) {
  move(features, (sigmoid(margin_of(w_, features)) - label) * weight);
}

void ModelTrainer::move(const FeatureVector& features, double error) {
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
  for (const Example& example : examples) ++(example.spam ? counts_.spam : counts_.ham);
  const double spam_weight = class_weight(true), ham_weight = class_weight(false);
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t i : order)
      step(examples[i].features, examples[i].spam ? 1 : 0, examples[i].spam ? spam_weight : ham_weight);
  }
}

void ModelTrainer::learn(const Example& example) {
  ++(example.spam ? counts_.spam : counts_.ham);
  step(example.features, example.spam ? 1 : 0, class_weight(example.spam));
}

void ModelTrainer::learn_until(const Example& example, double target, int max_steps) {
  learn(example);
  // The further steps move the rarer half of its features (the least used
  // so far): they say the most about this text and the least about others.
  FeatureVector rarer = example.features;
  std::sort(rarer.begin(), rarer.end(), [this](const Feature& a, const Feature& b) { return n_[a.slot] < n_[b.slot]; });
  rarer.resize((rarer.size() + 1) / 2);
  const double label = example.spam ? 1 : 0, weight = class_weight(example.spam);
  for (int steps = 1; steps < max_steps; ++steps) {
    const double margin = margin_of(w_, example.features);
    if (example.spam ? margin >= target : margin <= target) return;
    move(rarer, (sigmoid(margin) - label) * weight);
  }
}

double ModelTrainer::class_weight(bool spam) const {
  if (!options_.balance_classes || counts_.spam == 0 || counts_.ham == 0) return 1;
  const double total = static_cast<double>(counts_.spam + counts_.ham);
  return total / (2.0 * static_cast<double>(spam ? counts_.spam : counts_.ham));
}

namespace {

// encode_state()'s layout, in this machine's byte order (the store is local):
// magic, slot count, spam count, ham count, then per used slot: slot, z, n.
constexpr char kStateMagic[8] = {'S', 'G', 'F', 'T', 'R', 'L', '0', '1'};

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
bool take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

}  // namespace

std::string ModelTrainer::encode_state() const {
  std::string out(kStateMagic, sizeof kStateMagic);
  put<uint32_t>(out, kFeatureSlots);
  put<int64_t>(out, counts_.spam);
  put<int64_t>(out, counts_.ham);
  for (uint32_t slot = 0; slot < kFeatureSlots; ++slot) {
    if (z_[slot] == 0 && n_[slot] == 0) continue;
    put<uint32_t>(out, slot);
    put<float>(out, z_[slot]);
    put<float>(out, n_[slot]);
  }
  return out;
}

bool ModelTrainer::decode_state(std::string_view in) {
  if (in.substr(0, sizeof kStateMagic) != std::string_view(kStateMagic, sizeof kStateMagic)) return false;
  in.remove_prefix(sizeof kStateMagic);
  uint32_t slots = 0;
  ModelCounts counts;
  if (!take(in, slots) || slots != kFeatureSlots || !take(in, counts.spam) || !take(in, counts.ham)) return false;
  if (counts.spam < 0 || counts.ham < 0) return false;
  std::vector<float> z(kFeatureSlots, 0.0f), n(kFeatureSlots, 0.0f);
  while (!in.empty()) {
    uint32_t slot = 0;
    float zs = 0, ns = 0;
    if (!take(in, slot) || !take(in, zs) || !take(in, ns)) return false;
    if (slot >= kFeatureSlots || !std::isfinite(zs) || !std::isfinite(ns) || ns < 0) return false;
    z[slot] = zs;
    n[slot] = ns;
  }
  z_ = std::move(z);
  n_ = std::move(n);
  counts_ = counts;
  for (uint32_t slot = 0; slot < kFeatureSlots; ++slot) update_weight(slot);
  return true;
}

std::shared_ptr<const LearnedModel> ModelTrainer::snapshot(int64_t min_per_class) const {
  return std::make_shared<const LearnedModel>(w_, counts_, min_per_class);
}

}  // namespace spamgate

#include "scoring/aho_corasick.h"

#include <algorithm>
#include <numeric>

namespace spamgate {
namespace {

// The trie while it is being built: children kept as sorted sibling lists
// (patterns are inserted in sorted order, so a new child always goes last).
struct TrieNode {
  uint32_t first_child = UINT32_MAX;
  uint32_t last_child = UINT32_MAX;
  uint32_t next_sibling = UINT32_MAX;
  unsigned char label = 0;
  std::vector<uint32_t> patterns;
};

std::string fold(std::string_view text, bool ignore_case) {
  std::string out(text);
  if (ignore_case)
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  return out;
}

std::vector<TrieNode> build_trie(const std::vector<std::string>& folded) {
  std::vector<uint32_t> order(folded.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return folded[a] < folded[b]; });
  std::vector<TrieNode> trie(1);
  for (uint32_t id : order) {
    if (folded[id].empty()) continue;
    uint32_t node = 0;
    for (char c : folded[id]) {
      const auto label = static_cast<unsigned char>(c);
      const uint32_t last = trie[node].last_child;
      if (last != UINT32_MAX && trie[last].label == label) {
        node = last;
        continue;
      }
      const auto child = static_cast<uint32_t>(trie.size());
      trie.push_back({});
      trie[child].label = label;
      if (last == UINT32_MAX) trie[node].first_child = child;
      else trie[last].next_sibling = child;
      trie[node].last_child = child;
      node = child;
    }
    trie[node].patterns.push_back(id);
  }
  return trie;
}

}  // namespace

AhoCorasick::AhoCorasick() {
  std::fill(std::begin(root_next_), std::end(root_next_), 0u);
  fail_ = {0};
  edge_begin_ = {0, 0};
  report_ = {kNone};
  dict_next_ = {kNone};
  out_begin_ = {0, 0};
}

AhoCorasick::AhoCorasick(const std::vector<std::string>& patterns, bool ignore_case)
    : pattern_count_(patterns.size()), ignore_case_(ignore_case) {
  std::vector<std::string> folded;
  folded.reserve(patterns.size());
  for (const std::string& p : patterns) folded.push_back(fold(p, ignore_case));
  const std::vector<TrieNode> trie = build_trie(folded);

  // Renumber the states breadth-first so that each state's edges are one
  // contiguous, sorted run and parents come before their children.
  const size_t n = trie.size();
  std::vector<uint32_t> bfs{0};
  bfs.reserve(n);
  std::vector<uint32_t> new_id(n);
  edge_begin_.assign(n + 1, 0);
  labels_.reserve(n - 1);
  targets_.reserve(n - 1);
  for (size_t i = 0; i < bfs.size(); ++i) {
    new_id[bfs[i]] = static_cast<uint32_t>(i);
    edge_begin_[i] = static_cast<uint32_t>(labels_.size());
    for (uint32_t c = trie[bfs[i]].first_child; c != UINT32_MAX; c = trie[c].next_sibling) {
      labels_.push_back(trie[c].label);
      targets_.push_back(static_cast<uint32_t>(bfs.size()));
      bfs.push_back(c);
    }
  }
  edge_begin_[n] = static_cast<uint32_t>(labels_.size());

  out_begin_.assign(n + 1, 0);
  for (size_t s = 0; s < n; ++s) {
    out_begin_[s] = static_cast<uint32_t>(out_.size());
    const auto& ids = trie[bfs[s]].patterns;
    out_.insert(out_.end(), ids.begin(), ids.end());
  }
  out_begin_[n] = static_cast<uint32_t>(out_.size());

  std::fill(std::begin(root_next_), std::end(root_next_), 0u);
  for (uint32_t e = edge_begin_[0]; e < edge_begin_[1]; ++e) root_next_[labels_[e]] = targets_[e];

  // Failure links in breadth-first order: a child's link is found by
  // following its parent's link, which is already known.
  fail_.assign(n, 0);
  report_.assign(n, kNone);
  dict_next_.assign(n, kNone);
  for (uint32_t s = 0; s < n; ++s) {
    if (s != 0) {
      const uint32_t f = fail_[s];
      dict_next_[s] = report_[f];
      report_[s] = out_begin_[s] < out_begin_[s + 1] ? s : dict_next_[s];
    }
    for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e)
      fail_[targets_[e]] = s == 0 ? 0 : next_state(fail_[s], labels_[e]);
  }
  build_dense_table();
}

void AhoCorasick::build_dense_table() {
  // One class per byte that labels an edge; every other byte is class 0,
  // which leads back to the root from any state.
  std::fill(std::begin(byte_class_), std::end(byte_class_), uint16_t{0});
  uint32_t classes = 1;
  for (unsigned char label : labels_)
    if (byte_class_[label] == 0) byte_class_[label] = static_cast<uint16_t>(classes++);
  if (ignore_case_)
    for (int upper = 'A'; upper <= 'Z'; ++upper) byte_class_[upper] = byte_class_[upper - 'A' + 'a'];
  class_count_ = classes;
  dense_states_ = static_cast<uint32_t>(std::min(fail_.size(), kDenseMaxEntries / class_count_));
  // A state's row is its failure state's row with its own edges on top;
  // breadth-first order puts every failure state before the states using
  // it, so the rows are the first dense_states_ states'.
  dense_.assign(size_t{dense_states_} * class_count_, 0);
  for (size_t s = 0; s < dense_states_; ++s) {
    uint32_t* row = &dense_[s * class_count_];
    if (s != 0) std::copy_n(&dense_[size_t{fail_[s]} * class_count_], class_count_, row);
    for (uint32_t e = edge_begin_[s]; e < edge_begin_[s + 1]; ++e) row[byte_class_[labels_[e]]] = targets_[e];
  }
}

std::optional<AhoCorasick::Match> AhoCorasick::find_first(std::string_view text) const {
  std::optional<Match> first;
  scan(text, [&](Match m) {
    first = m;
    return false;
  });
  return first;
}

}  // namespace spamgate

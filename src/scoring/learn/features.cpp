#include "scoring/learn/features.h"

#include <libpsl.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

#include "scoring/learn/char_ngrams.h"
#include "scoring/text_classes.h"
#include "util/fnv1a.h"

namespace spamgate {
namespace {

constexpr size_t kMaxWordBytes = 30;
constexpr size_t kMaxAuthorBytes = 48;

// The host of the URL whose scheme or "www." ends at `pos` in folded text.
std::string_view host_at(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size()) {
    const auto c = static_cast<unsigned char>(text[end]);
    if (!(ascii_alnum(c) || c == '.' || c == '-' || c >= 0x80)) break;
    ++end;
  }
  std::string_view host = text.substr(pos, end - pos);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// Every link host in folded text ("http://", "https://" or "www."), without "www.".
std::vector<std::string_view> link_hosts(std::string_view text) {
  std::vector<std::string_view> hosts;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = std::string_view::npos;
    size_t found = text.find("://", pos);
    size_t www = text.find("www.", pos);
    if (www < found) start = www;
    else if (found != std::string_view::npos) start = found + 3;
    if (start == std::string_view::npos) break;
    std::string_view host = host_at(text, start);
    if (host.substr(0, 4) == "www.") host.remove_prefix(4);
    if (host.find('.') != std::string_view::npos) hosts.push_back(host);
    pos = start + std::max<size_t>(host.size(), 1);
  }
  return hosts;
}

std::string_view referer_host(std::string_view referer) {
  const size_t scheme = referer.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = referer.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/:?#"));
  if (rest.substr(0, 4) == "www.") rest.remove_prefix(4);
  return rest;
}

std::string bucket(size_t value, std::initializer_list<size_t> bounds) {
  size_t index = 0;
  for (size_t bound : bounds) {
    if (value < bound) break;
    ++index;
  }
  return std::to_string(index);
}

// Share of capitals among the ASCII letters of `text`, as a bucket.
std::string capitals_bucket(std::string_view text) {
  size_t letters = 0, capitals = 0;
  for (char c : text) {  // without branches, so that the compiler vectorises it
    const auto byte = static_cast<unsigned char>(c);
    letters += static_cast<unsigned char>((byte | 0x20) - 'a') < 26;
    capitals += static_cast<unsigned char>(byte - 'A') < 26;
  }
  if (letters < 10) return "few";
  return bucket(capitals * 100 / letters, {10, 30, 60});
}

// Calls emit(kind, text) for every feature of the submission (a feature may
// come more than once), in a fixed order, then walked(). `kind` is one
// letter naming the feature family. What emit() is given stays valid until
// walked() returns: views of the folded texts, literals, or strings held in
// `names` (a FeatureObserver looks at every feature only at the end).
template <typename Emit, typename Walked>
void walk_features(const Submission& s, Emit&& emit, Walked&& walked) {
  emit('k', kind_name(s.kind));
  emit('z', "bias");

  // The folded texts, each in a buffer of this thread's that the next walk
  // reuses (a walk never runs inside another), so that folding allocates
  // only when a text is longer than any before it.
  thread_local std::string body, author, url, gram_words;
  fold_text_into(s.subject.empty() ? s.body : s.subject + "\n" + s.body, body);
  std::string_view previous_word;
  std::string_view text = body;
  CharGramCutter grams(text, gram_words);  // the n-grams are views of gram_words, valid all walk long
  size_t pos = 0;
  size_t unspaced_start = std::string_view::npos, unspaced_prev = 0;
  auto end_word = [&](size_t start, size_t end) {
    std::string_view word = text.substr(start, end - start);
    if (word.size() > kMaxWordBytes) word = "#long";
    else if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }) && word.size() > 2)
      word = word.size() > 6 ? "#digits7+" : "#digits3-6";
    emit('w', word);
    if (!previous_word.empty()) emit('b', previous_word, word);
    previous_word = word;
    grams.cut_word(start, end, emit);
  };
  size_t word_start = std::string_view::npos;
  while (pos < text.size()) {
    size_t length = 1;
    const UChar32 c = code_point_at(text, pos, length);
    const CharClass cls = classify(c);
    if (cls != CharClass::word && word_start != std::string_view::npos) {
      end_word(word_start, pos);
      word_start = std::string_view::npos;
    }
    if (cls == CharClass::unspaced) {
      if (unspaced_start == std::string_view::npos) unspaced_start = pos;
      else emit('c', text.substr(unspaced_prev, pos + length - unspaced_prev));
      unspaced_prev = pos;
      previous_word = {};
    } else {
      if (unspaced_start != std::string_view::npos && unspaced_prev == unspaced_start)
        emit('c', text.substr(unspaced_start, pos - unspaced_start));  // a lone character
      unspaced_start = std::string_view::npos;
      if (cls == CharClass::word && word_start == std::string_view::npos) word_start = pos;
      if (cls == CharClass::separator && c != ' ' && c != '\'') previous_word = {};  // pairs do not cross punctuation
    }
    pos += length;
    if (cls == CharClass::word)  // the rest of an ASCII word changes nothing above
      while (pos < text.size() && ascii_alnum(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  if (word_start != std::string_view::npos) end_word(word_start, text.size());
  if (unspaced_start != std::string_view::npos && unspaced_prev == unspaced_start)
    emit('c', text.substr(unspaced_start));

  thread_local std::deque<std::string> names;  // stable addresses: the features below name views of them
  names.clear();
  const auto keep = [](std::string name) -> std::string_view { return names.emplace_back(std::move(name)); };
  const std::vector<std::string_view> hosts = link_hosts(text);
  const std::string_view own = referer_host(s.referer);
  for (std::string_view host : hosts) {
    emit('h', host);
    emit('d', keep(registrable_domain(std::string(host))));
    if (!own.empty()) emit('x', host == own ? "link to own site" : "link elsewhere");
  }
  emit('x', keep("links " + bucket(hosts.size(), {1, 2, 3, 5})));
  emit('x', keep("length " + bucket(s.body.size(), {20, 50, 100, 200, 400, 800, 1600})));
  emit('x', keep("capitals " + capitals_bucket(s.body)));

  fold_text_into(s.author, author);
  if (author.empty()) emit('a', "(none)");
  else emit('a', std::string_view(author).substr(0, kMaxAuthorBytes));
  const size_t at = s.email.rfind('@');
  emit('e', at == std::string::npos ? std::string_view("(none)") : keep(fold_text(std::string_view(s.email).substr(at + 1))));
  fold_text_into(s.url, url);
  if (!s.url.empty()) {
    const std::string_view host = referer_host(url);
    emit('u', host.empty() ? std::string_view("(unreadable)") : host);
  }
  walked();
}

uint32_t slot_of_hash(uint64_t hash) {
  hash ^= hash >> 29;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 32;
  return static_cast<uint32_t>(hash) & (kFeatureSlots - 1);
}

// The slot of feature `kind`:`a`, or of the pair `kind`:`a` `b`: FNV-1a of
// the kind letter, `a`, and " " `b` when `b` is not empty.
uint32_t slot_of(char kind, std::string_view a, std::string_view b) {
  uint64_t hash = fnv1a(fnv1a(kFnv1aBasis, kind), a);
  if (!b.empty()) hash = fnv1a(fnv1a(hash, ' '), b);
  return slot_of_hash(hash);
}

// slot_of for the features as walk_features emits them, in order: a word
// ('w') is hashed once for its own slot and, in the same pass, as the first
// half of a pair ("b" word " "), kept for the last two words, so that the
// pair ('b') that follows hashes only its second word. Same slots as slot_of.
class SlotHasher {
 public:
  uint32_t operator()(char kind, std::string_view a, std::string_view b = {}) {
    if (kind == 'w') return word_slot(a);
    if (kind == 'b')
      for (const PairHead& head : heads_)
        if (head.word.data() == a.data() && head.word.size() == a.size()) return slot_of_hash(fnv1a(head.hash, b));
    return slot_of(kind, a, b);
  }

 private:
  struct PairHead {
    std::string_view word;
    uint64_t hash;  // FNV-1a of "b" word " "
  };

  uint32_t word_slot(std::string_view word) {
    uint64_t own = fnv1a(kFnv1aBasis, 'w'), pair = fnv1a(kFnv1aBasis, 'b');
    for (char c : word) {
      own = fnv1a(own, c);
      pair = fnv1a(pair, c);
    }
    heads_[1] = heads_[0];
    heads_[0] = {word, fnv1a(pair, ' ')};
    return slot_of_hash(own);
  }

  PairHead heads_[2] = {};
};

// One feature as cut, packed for the sort: its slot above its sighting's
// index (in the order cut) and a bit that says whether it is an n-gram.
using SlotEntry = uint64_t;
constexpr uint32_t kEntrySlotShift = 32;
SlotEntry slot_entry(uint32_t slot, size_t sighting, bool gram) {
  return (static_cast<SlotEntry>(slot) << kEntrySlotShift) | (static_cast<SlotEntry>(sighting) << 1) | gram;
}
uint32_t entry_slot(SlotEntry e) { return static_cast<uint32_t>(e >> kEntrySlotShift); }
uint32_t entry_sighting(SlotEntry e) { return static_cast<uint32_t>(e & 0xffffffffu) >> 1; }
bool entry_gram(SlotEntry e) { return (e & 1) != 0; }

// `entries` sorted by slot, stably (a slot's entries stay in the order
// cut). A radix sort (two passes of kFeatureBits / 2 bits): a comparison
// sort of a few hundred random slots mispredicts a branch at every other step.
void sort_by_slot(std::vector<SlotEntry>& entries) {
  constexpr uint32_t kDigitBits = (kFeatureBits + 1) / 2, kDigits = 1u << kDigitBits;
  thread_local std::vector<SlotEntry> scratch;  // reused, like extract_features' buffers
  scratch.resize(entries.size());
  for (const uint32_t shift : {kEntrySlotShift, kEntrySlotShift + kDigitBits}) {
    uint32_t starts[kDigits] = {};
    for (const SlotEntry e : entries) ++starts[(e >> shift) & (kDigits - 1)];
    uint32_t next = 0;
    for (uint32_t& start : starts) next += std::exchange(start, next);
    for (const SlotEntry e : entries) scratch[starts[(e >> shift) & (kDigits - 1)]++] = e;
    entries.swap(scratch);
  }
}

// Each family's value: 1/sqrt(its number of distinct slots), the n-grams'
// times kCharGramWeight, so that the character n-grams of a text (about one
// per letter) do not drown its words, pairs and other features (about one
// per word) however long the text.
FamilyValues family_values(size_t slots, size_t grams) {
  const auto value_of = [](size_t count) { return count == 0 ? 0.0f : 1.0f / std::sqrt(static_cast<float>(count)); };
  return {value_of(slots), kCharGramWeight * value_of(grams)};
}

// The distinct slots of `sorted` (sort_by_slot's output) at their
// families' values, a slot both families hit (a hash collision) at the
// sum; and, in `first_sighting`, the sighting where each was first cut.
FeatureVector weigh_slots(const std::vector<SlotEntry>& sorted, FamilyValues& values,
                          std::vector<uint32_t>& first_sighting) {
  enum Families : uint8_t { kWords = 1, kGrams = 2 };
  FeatureVector features;
  thread_local std::vector<uint8_t> families;  // of each feature: kWords, kGrams or both; reused
  families.clear();
  features.reserve(sorted.size());
  families.reserve(sorted.size());
  first_sighting.reserve(sorted.size());
  size_t words = 0, grams = 0;
  for (size_t i = 0; i < sorted.size();) {
    const uint32_t slot = entry_slot(sorted[i]);
    first_sighting.push_back(entry_sighting(sorted[i]));  // the first cut: the sort kept their order
    uint8_t hit = 0;
    for (; i < sorted.size() && entry_slot(sorted[i]) == slot; ++i) hit |= entry_gram(sorted[i]) ? kGrams : kWords;
    words += (hit & kWords) != 0;
    grams += (hit & kGrams) != 0;
    features.push_back({slot, 0});
    families.push_back(hit);
  }
  values = family_values(words, grams);
  const float by_families[] = {0, values.words, values.grams, values.words + values.grams};
  for (size_t i = 0; i < features.size(); ++i) features[i].value = by_families[families[i]];
  return features;
}

const psl_ctx_t* public_suffixes() {
  static const psl_ctx_t* context = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? latest : psl_builtin();
  }();
  return context;
}

}  // namespace

std::string registrable_domain(const std::string& host) {
  const psl_ctx_t* suffixes = public_suffixes();
  const char* domain = suffixes ? psl_registrable_domain(suffixes, host.c_str()) : nullptr;
  return domain ? std::string(domain) : host;
}

std::string feature_name(char kind, std::string_view a, std::string_view b) {
  std::string name{kind, ':'};
  name.append(a);
  if (!b.empty()) name.append(" ").append(b);
  return name;
}

FeatureVector extract_features(const Submission& submission, FeatureObserver* observer) {
  // This thread's buffers, emptied and reused by each extraction (one never
  // runs inside another): they grow only for a text longer than any before.
  thread_local std::vector<SlotEntry> entries;
  thread_local std::vector<FeatureSighting> sightings;
  thread_local std::vector<uint32_t> first_sighting;
  entries.clear();
  sightings.clear();
  first_sighting.clear();
  FeatureVector features;
  SlotHasher slot_of_feature;
  const float* prefetched = observer ? observer->slot_table() : nullptr;
  walk_features(submission, [&](char kind, std::string_view a, std::string_view b = {}) {
    const uint32_t slot = slot_of_feature(kind, a, b);
    if (prefetched) __builtin_prefetch(prefetched + slot);
    entries.push_back(slot_entry(slot, entries.size(), kind == 'g'));
    if (observer) sightings.push_back({kind, a, b});
  }, [&] {
    sort_by_slot(entries);
    FamilyValues values;
    features = weigh_slots(entries, values, first_sighting);
    if (observer) observer->walked({features, sightings, first_sighting, values});
  });
  return features;
}

std::vector<NamedFeature> describe_features(const Submission& submission) {
  std::vector<NamedFeature> named;
  walk_features(submission, [&](char kind, std::string_view a, std::string_view b = {}) {
    named.push_back({slot_of(kind, a, b), feature_name(kind, a, b)});
  }, [] {});
  // stable: the first name of each slot stays
  std::stable_sort(named.begin(), named.end(), [](const auto& x, const auto& y) { return x.slot < y.slot; });
  named.erase(std::unique(named.begin(), named.end(), [](const auto& x, const auto& y) { return x.slot == y.slot; }),
              named.end());
  return named;
}

}  // namespace spamgate

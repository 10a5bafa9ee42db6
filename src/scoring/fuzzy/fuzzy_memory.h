// FuzzyMemory: the recent spam FUZZY compares submissions with — spam the
// owner marked and submissions spamgate rejected — as fuzzy fingerprints
// in a bounded ring, indexed by banded LSH buckets so that a lookup costs
// the same against ten or ten thousand examples. Ham the owner marked or
// rescued is never an example: it removes the examples near it and vetoes
// rejected submissions near it until the owner marks one of them spam.
// It keeps a fingerprint, an id and a short sanitised snippet per example,
// never the text. Safe to use from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "form/submission.h"
#include "scoring/fuzzy/fuzzy_fingerprint.h"
#include "scoring/verdict.h"

namespace spamgate {

struct FuzzyMatch {
  std::string id;       // the example's id: the submission's, or the owner's decision's
  double similarity;    // 0..1
  std::string snippet;  // the example's start, sanitised for display
};

class FuzzyShelf;

// A submission's fingerprint, computed at most once however many places
// ask for it in one request (FUZZY's lookup, then teaching a rejection).
// Lives no longer than the submission it refers to.
class LazyFingerprint {
 public:
  // `body_links`: link_spans(submission.body) when the caller has found
  // them already (and keeps them while this lives).
  explicit LazyFingerprint(const Submission& submission, const std::vector<LinkSpan>* body_links = nullptr)
      : submission_(submission), body_links_(body_links) {}
  const std::optional<FuzzyFingerprint>& get() const;

 private:
  const Submission& submission_;
  const std::vector<LinkSpan>* body_links_;
  mutable bool computed_ = false;
  mutable std::optional<FuzzyFingerprint> fingerprint_;
};

class FuzzyMemory {
 public:
  // Keeps at most `capacity` spam examples (and as many ham vetoes); the
  // oldest goes first. A match needs at least `similarity` (0..1].
  FuzzyMemory(size_t capacity, double similarity);
  ~FuzzyMemory();
  FuzzyMemory(const FuzzyMemory&) = delete;
  FuzzyMemory& operator=(const FuzzyMemory&) = delete;

  // Remembers `submission` as spam example `id`. `by_owner`: the owner said
  // so (it lifts the ham vetoes near it); otherwise spamgate rejected it,
  // and it is skipped when a ham the owner marked is near. A copy at least
  // 90 % alike an example already kept is covered by it and not kept again.
  // `made_at`: when the submission or the owner's decision was made (unix
  // seconds; 0 = unknown), for an erasure of its address (forget_email).
  // Returns false when the text is not covered (too short to fingerprint,
  // vetoed, or FUZZY off).
  bool add_spam(const std::string& id, const Submission& submission, bool by_owner, int64_t made_at = 0);
  bool add_spam(const std::string& id, const Submission& submission, const LazyFingerprint& fingerprint,
                bool by_owner, int64_t made_at = 0);
  // A ham the owner marked or rescued (at `made_at`, as above): forgets the
  // spam examples near it and keeps it as a veto. Returns how many examples
  // it removed.
  size_t add_ham(const Submission& submission, int64_t made_at = 0);

  // An example at or above the similarity (the first the index finds), if any.
  std::optional<FuzzyMatch> match(const Submission& submission) const;
  std::optional<FuzzyMatch> match(const LazyFingerprint& fingerprint) const;  // computed only when there are examples
  std::optional<FuzzyMatch> match(const FuzzyFingerprint& fingerprint) const;

  // Forgets the examples with this id, or from this e-mail address made
  // at or before `made_until` (a privacy erasure covers what was made up
  // to it, not the address's later comments; case-insensitive). Return
  // how many.
  size_t forget(std::string_view id);
  size_t forget_email(std::string_view email, int64_t made_until = INT64_MAX);

  size_t spam_examples() const;
  size_t ham_vetoes() const;
  size_t capacity() const { return capacity_; }
  double similarity() const { return similarity_; }

 private:
  const size_t capacity_;
  const double similarity_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<FuzzyShelf> spam_, ham_;
};

// True when a verdict makes its submission a spam example: rejected (or
// discarded), and it would be without FUZZY's own score, so that FUZZY
// never feeds on its own hits.
bool rejection_teaches_fuzzy(const Verdict& verdict, double reject_threshold);

// The text FUZZY fingerprints: the subject (contact forms) and the body,
// with the author's name masked. `body_links` (link_spans of the body)
// saves finding the links again when there is no subject.
std::optional<FuzzyFingerprint> submission_fingerprint(const Submission& submission,
                                                       const std::vector<LinkSpan>* body_links = nullptr);

}  // namespace spamgate

// Inputs of bench_scorer: comments of three sizes taken from the shared
// corpus, and the rule sets it measures (written as rule files into a
// scratch directory). Deterministic: the same corpus gives the same inputs.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "form/submission.h"

namespace spamgate::bench {

struct CommentClass {
  std::string name;                  // "short", "1KB", "16KB"
  std::vector<Submission> comments;  // author + body, as WordPress posts them
};

// short: the YouTube comments of 150..300 bytes; 1KB: consecutive comments
// joined (blank line between) until >= 1,000 bytes, 64 of them; 16KB: the
// same until >= 16,384 bytes, 16 of them. Throws std::runtime_error when the
// corpus cannot be read.
std::vector<CommentClass> corpus_comment_classes(const std::string& corpus_dir);

// 1KB-ja: the Japanese comments of tests/data/cjk-ham.txt joined as above
// until >= 1,000 bytes, 64 of them. Throws std::runtime_error when the file
// cannot be read.
std::vector<CommentClass> japanese_comment_classes(const std::string& source_dir);

struct RuleSetSpec {
  std::string name;                // "default", "default+wp62k", "synthetic1000", ...
  std::vector<std::string> files;  // for load_rules
};

// The rule sets: default (rules/default.rules), default+ja (with
// rules/ja.rules), wp62k (only the WordPress
// disallowed list as a `list any` rule), default+wp62k; synthetic100,
// synthetic1000, synthetic10000 (see synthetic_rules) over the comments'
// own vocabulary, so that about 1% of the rules match each comment (the
// worst case for a prefilter); and spamwords100, ..., spamwords10000, the
// same shapes over the plain words of the WordPress disallowed list, as
// spam rules are written. Rule files that need writing go into `scratch`.
// Throws std::runtime_error on I/O failure.
std::vector<RuleSetSpec> rule_set_specs(const std::string& source_dir, const std::string& corpus_dir,
                                        const std::filesystem::path& scratch);

// `count` regex rules in the style of hand-written spam rules: words and
// phrases from `vocabulary` with alternations, optional plurals,
// separators, proximity and URL shapes, most with the i flag, 80% on body
// and 20% on any.
std::string synthetic_rules(const std::vector<std::string>& vocabulary, size_t count, unsigned seed);

}  // namespace spamgate::bench

// Eval: measures a RuleSet against labelled comments (the YouTube Spam
// Collection CSV format) — spam caught, false positives, per-rule hits.
// Offline tool for `spamgate eval`; never used while serving requests.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/config.h"
#include "form/submission.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/learn/learned_model.h"
#include "scoring/rule_set.h"
#include "util/result.h"

namespace spamgate {

struct LabelledComment {
  std::string author;
  std::string body;
  bool spam = false;
  int line = 0;  // where the row starts in its file
};

// Reads a CSV with the header COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS (in any
// column order; CLASS 1 = spam, 0 = ham). Quoted fields may hold commas,
// doubled quotes and line breaks; a trailing U+FEFF on a field is dropped.
// Returns the rows, or "file:line: message" for the first malformed one.
Result<std::vector<LabelledComment>> read_labelled_csv(const std::string& path);

struct RuleHitCount {
  std::string rule;
  size_t spam = 0;  // hits on spam comments
  size_t ham = 0;   // hits on ham comments
};

struct EvalCounts {
  std::string name;           // the file, or "total"
  size_t spam = 0;            // labelled spam
  size_t ham = 0;             // labelled ham
  size_t spam_caught = 0;     // spam held or rejected
  size_t spam_rejected = 0;
  size_t false_positives = 0; // ham held or rejected
  size_t ham_rejected = 0;

  size_t total() const { return spam + ham; }
  // caught / (caught + false positives); 1 when nothing was caught.
  double precision() const;
  // caught / spam; 0 when there is no spam.
  double recall() const;
};

// One row as the learned model saw it: measures the model apart from the
// score bands it acts through (scripts/eval: how much spam any hold band
// could catch at a given share of ham held).
struct LearnedRow {
  double probability = 0;   // LearnedModel::confident_probability() of the row
  bool flagged_without = false;  // held or rejected by the verdict without LEARNED
  bool spam = false;        // the row's label
};

struct EvalReport {
  std::vector<EvalCounts> files;        // one per input file, in order
  EvalCounts total;
  std::vector<LearnedRow> learned_rows; // every row in file order when an active model was given, else empty
  std::vector<RuleHitCount> rule_hits;  // every rule that hit, most hits first
  size_t rule_errors = 0;               // rule errors raised while scoring (complexity limit)
};

// The comment as the scorer and the learner see it: a comment with its
// author and body, nothing else.
Submission labelled_submission(const LabelledComment& comment);

// FUZZY in an evaluation: the examples it compares with, and whether the
// rows the rules reject become examples as they are scored (in file order),
// as on a live site with fuzzy_from_rejects.
struct EvalFuzzy {
  FuzzyMemory* memory = nullptr;  // nullptr: FUZZY is silent
  bool from_rejects = false;
};

// Reads every file and scores each comment (author and body only, no
// history, no form token) with `rules`, `checks` and, when given, the
// learned model and FUZZY's examples. With an active model, each row is
// also scored without it for learned_rows. Returns the report, or the
// first file error.
Result<EvalReport> evaluate(const RuleSet& rules, const ChecksConfig& checks, const std::vector<std::string>& files,
                            const LearnedModel* learned = nullptr, EvalFuzzy fuzzy = {});

// Teaches `memory` every row of `files` in order as the owner's marks: spam
// becomes an example, ham removes the examples near it. Returns how many
// spam examples it holds after, or the first file error.
Result<size_t> teach_fuzzy_from_files(const std::vector<std::string>& files, FuzzyMemory& memory);

// A fresh model taught every row of `files` in order, gated at
// min_per_class; or the first file error. Touches no store.
Result<std::shared_ptr<const LearnedModel>> train_on_files(const std::vector<std::string>& files,
                                                           int64_t min_per_class);

// A plain-text table of the report for the terminal.
std::string render_eval(const EvalReport& report);

// The report as one JSON object: {"files":[{"file","spam","ham","caught",
// "fp"}],"total":{...}}, plus "learned":{"spam","ham","active"} when a
// model was given, and "learned_rows":[[probability, flagged without
// LEARNED (0/1), spam (0/1)], ...] when report.learned_rows has any
// (`spamgate eval --json`).
nlohmann::json eval_json(const EvalReport& report, const LearnedModel* learned);

}  // namespace spamgate

// CompiledRules: the matching machinery inside a RuleSet (compiled regexes,
// list automata, meta programs), grouped by how the Scorer runs them. Built
// only by the rule loader; read-only afterwards.
#pragma once

#include <boost/regex/icu.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "scoring/aho_corasick.h"
#include "scoring/checks/builtin_checks.h"
#include "scoring/field.h"
#include "scoring/literal_prefilter.h"
#include "scoring/meta_expr.h"
#include "scoring/script_share.h"

namespace spamgate {

// Each `rule` member is the rule's index in RuleSet::rules().
struct CompiledBuiltin {
  uint32_t rule;
  std::optional<std::string> (*run)(const Submission&, const CheckContext&);
  bool reads_history;  // RATE_IP, DUPLICATE: run once the history has answered
};

struct CompiledLinks {
  uint32_t rule;
  size_t min_links;  // LINKS_N fires when the body has at least N links
};

// The regex runs on a field's search text (scoring/search_text.h) with
// Boost.Regex's ICU engine, compiled from unicode_pattern(pattern).
struct CompiledRegex {
  uint32_t rule;
  Field field;
  boost::u32regex regex;
  std::string pattern;  // as written in the rule file
};

struct CompiledList {
  uint32_t rule;
  Field field;
  std::vector<std::string> entries;  // as written in the list file, trimmed
  AhoCorasick automaton;             // entries, ASCII case folded
};

struct CompiledScript {
  uint32_t rule;
  Field field;  // any: the five text fields counted together
  ScriptCondition condition;
};

struct CompiledMeta {
  uint32_t rule;
  std::vector<MetaOp> program;
  std::string expression;  // as written, shown as the hit's detail
};

// LEARNED scores the highest band whose probability the model reaches.
struct ScoreBand {
  double probability;
  double score;
};

// The bands LEARNED has when no rule file scores it.
std::vector<ScoreBand> default_learned_bands();

struct CompiledLearned {
  uint32_t rule = 0;
  std::vector<ScoreBand> bands;  // increasing probability; empty: LEARNED is off
};

struct CompiledRules {
  double hold = 5;
  double reject = 10;
  std::vector<double> scores;  // score of every rule, by index
  std::vector<CompiledBuiltin> builtins;
  std::vector<CompiledLinks> links;
  std::vector<CompiledRegex> regexes;
  LiteralPrefilter prefilter;  // over `regexes`, by position
  std::vector<Field> regex_fields;  // the concrete fields `regexes` search
  std::vector<CompiledList> lists;
  std::vector<CompiledScript> scripts;
  std::vector<CompiledMeta> metas;  // ordered so a meta comes after every meta it names
  CompiledLearned learned;
  // The checks that read the history only add to a score: each is scored
  // >= 0 and no meta names one. Then a submission at the reject threshold
  // without them is rejected whatever the history answers (Scorer).
  bool history_only_adds = false;
};

}  // namespace spamgate

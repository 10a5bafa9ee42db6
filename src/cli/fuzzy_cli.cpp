// spamgate fuzzy eval: `spamgate eval` with FUZZY's examples, to measure
// what near-duplicate detection adds (scripts/eval).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "scoring/eval.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/rule_set.h"
#include "util/json_text.h"

namespace spamgate::cli {
namespace {

struct FuzzyEvalOptions {
  std::string config;
  std::vector<std::string> rule_files;
  std::vector<std::string> inputs;
  std::vector<std::string> train_files;
  int min_per_class = 0;
  bool no_learner = false;
  bool from_rejects = false;
  double similarity = 0;
  bool json = false;
};

int run_fuzzy_eval(const FuzzyEvalOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  std::vector<std::string> files = options.rule_files;
  if (files.empty())
    for (const std::string& file : config->rules.files) files.push_back(config->resolve(file));
  RuleLoad load = load_rules(files);
  for (const std::string& error : load.errors) std::cerr << error << "\n";
  if (!load.rules) return 2;

  const double similarity = options.similarity > 0 ? options.similarity : config->checks.fuzzy_similarity;
  FuzzyMemory memory(static_cast<size_t>(config->checks.fuzzy_memory), similarity);
  std::shared_ptr<const LearnedModel> learned;
  if (!options.train_files.empty()) {
    if (Result<size_t> taught = teach_fuzzy_from_files(options.train_files, memory); !taught)
      return std::cerr << taught.error() << "\n", 2;
    if (!options.no_learner) {
      const int gate = options.min_per_class > 0 ? options.min_per_class : config->learning.min_per_class;
      auto trained = train_on_files(options.train_files, gate);
      if (!trained) return std::cerr << trained.error() << "\n", 2;
      learned = *trained;
    }
  }
  const size_t taught_examples = memory.spam_examples();
  Result<EvalReport> report =
      evaluate(*load.rules, config->checks, options.inputs, learned.get(), EvalFuzzy{&memory, options.from_rejects});
  if (!report) return std::cerr << report.error() << "\n", 2;

  size_t fuzzy_spam = 0, fuzzy_ham = 0;
  for (const RuleHitCount& hits : report->rule_hits)
    if (hits.rule == "FUZZY") fuzzy_spam = hits.spam, fuzzy_ham = hits.ham;
  nlohmann::json fuzzy = {{"taught_examples", taught_examples},  {"examples", memory.spam_examples()},
                          {"ham_vetoes", memory.ham_vetoes()},     {"similarity", similarity},
                          {"from_rejects", options.from_rejects}, {"hits", {{"spam", fuzzy_spam}, {"ham", fuzzy_ham}}}};
  if (options.json) {
    nlohmann::json out = eval_json(*report, learned.get());
    out["fuzzy"] = std::move(fuzzy);
    std::cout << json_text(out) << "\n";
    return 0;
  }
  std::cout << "FUZZY: " << json_text(fuzzy) << "\n\n" << render_eval(*report);
  return 0;
}

}  // namespace

void add_fuzzy_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<FuzzyEvalOptions>();
  CLI::App* fuzzy = app.add_subcommand("fuzzy", "Near-duplicate detection (FUZZY)");
  fuzzy->require_subcommand(1);
  CLI::App* eval = fuzzy->add_subcommand(
      "eval", "Score labelled CSV corpora as `spamgate eval` does, with FUZZY's examples taught from --train (spam "
              "marks; ham removes the examples near it) and, with --from-rejects, from the rows the rules reject");
  add_config_option(*eval, options->config);
  eval->add_option("-r,--rules", options->rule_files, "Rule files (default: the config's [rules] files)");
  eval->add_option("CORPUS", options->inputs, "CSV files")->required()->check(CLI::ExistingFile);
  eval->add_option("--train", options->train_files,
                   "Labelled CSV files taught first, in order, as the owner's marks (FUZZY and a fresh learner)")
      ->check(CLI::ExistingFile);
  eval->add_option("--min-per-class", options->min_per_class, "With --train: the learner's gate")
      ->check(CLI::PositiveNumber);
  eval->add_flag("--no-learner", options->no_learner, "With --train: teach FUZZY only, not the learner");
  eval->add_flag("--from-rejects", options->from_rejects,
                 "Rows the rules reject become FUZZY examples as they are scored (fuzzy_from_rejects)");
  eval->add_option("--similarity", options->similarity, "FUZZY's similarity (default: the config's fuzzy_similarity)")
      ->check(CLI::Range(0.05, 1.0));
  eval->add_flag("--json", options->json, "Print one JSON object (as spamgate eval --json, plus \"fuzzy\")");
  eval->callback([&run, options] { run = [options] { return run_fuzzy_eval(*options); }; });
}

}  // namespace spamgate::cli

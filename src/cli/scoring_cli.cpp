// spamgate check, spamgate rules lint, spamgate eval.
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "form/submission_builder.h"
#include "learning/learner.h"
#include "scoring/eval.h"
#include "scoring/rule_set.h"
#include "scoring/scorer.h"

namespace spamgate::cli {
namespace {

struct ScoringOptions {
  std::string config;
  std::vector<std::string> rule_files;  // overrides the config's [rules] files
  std::vector<std::string> inputs;      // corpus files or rule files
  bool json = false;
  std::vector<std::string> train_files;  // eval: teach a fresh model these first
  int min_per_class = 0;                 // eval: the learner's gate (0: the config's)
};

// The rule set named by --rules or the config; prints every error on failure.
std::shared_ptr<const RuleSet> load_rule_set(const ScoringOptions& options, const Config& config) {
  std::vector<std::string> files = options.rule_files;
  if (files.empty())
    for (const std::string& file : config.rules.files) files.push_back(config.resolve(file));
  RuleLoad load = load_rules(files);
  for (const std::string& error : load.errors) std::cerr << error << "\n";
  return load.rules;
}

void add_rules_option(CLI::App& command, ScoringOptions& options) {
  command.add_option("-r,--rules", options.rule_files, "Rule files (default: the config's [rules] files)");
}

int run_check(const ScoringOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  auto rules = load_rule_set(options, *config);
  if (!rules) return 2;
  std::string secret;
  if (!config->shared_secret.file.empty() || !config->shared_secret.env.empty()) {
    auto read = read_secret(config->shared_secret, *config);
    if (!read) return std::cerr << read.error() << "\n", 2;
    secret = *read;
  }
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  Result<Submission> submission = submission_from_check_input("", input, config->limits);
  if (!submission) return std::cerr << "stdin: " << submission.error() << "\n", 2;
  // The site's classifier, as a running spamgate has it: trained from the
  // store's feedback log (silent below the gate).
  auto feedback = FeedbackLog::open(config->resolve(config->store.path));
  if (!feedback) return std::cerr << feedback.error() << "\n", 2;
  auto decisions = (*feedback)->labels();
  if (!decisions) return std::cerr << decisions.error() << "\n", 2;
  const auto learned = train_on_decisions(*decisions, config->learning.min_per_class);
  SystemClock clock;
  const CheckContext context{config->checks, secret, nullptr, clock.now(), learned.get()};
  const Verdict verdict = Scorer{}.score(*rules, *submission, context);
  std::cout << (options.json ? verdict.to_json() + "\n" : verdict.to_text());
  return verdict.action == Action::pass ? 0 : verdict.action == Action::hold ? 1 : 2;
}

int run_lint(const ScoringOptions& options) {
  RuleLoad load = load_rules(options.inputs);
  for (const std::string& error : load.errors) std::cout << error << "\n";
  if (!load.rules) return 1;
  std::cout << "ok: " << load.rules->rules().size() << " rules from " << load.rules->source_files().size()
            << " files\n";
  return 0;
}

int run_eval(const ScoringOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  auto rules = load_rule_set(options, *config);
  if (!rules) return 2;
  std::shared_ptr<const LearnedModel> learned;
  if (!options.train_files.empty()) {
    const int gate = options.min_per_class > 0 ? options.min_per_class : config->learning.min_per_class;
    auto trained = train_on_files(options.train_files, gate);
    if (!trained) return std::cerr << trained.error() << "\n", 2;
    learned = *trained;
  }
  Result<EvalReport> report = evaluate(*rules, config->checks, options.inputs, learned.get());
  if (!report) return std::cerr << report.error() << "\n", 2;
  if (options.json) {
    std::cout << render_eval_json(*report, learned.get());
    return 0;
  }
  if (learned)
    std::cout << "learned from " << learned->counts().spam << " spam and " << learned->counts().ham << " ham"
              << (learned->active() ? "" : " (below the gate: LEARNED is silent)") << "\n\n";
  std::cout << render_eval(*report);
  return 0;
}

}  // namespace

void add_check_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<ScoringOptions>();
  CLI::App* check = app.add_subcommand(
      "check", "Score one submission read from stdin (JSON or form-encoded); exit 0 pass, 1 hold, 2 reject");
  add_config_option(*check, options->config);
  add_rules_option(*check, *options);
  check->add_flag("--json", options->json, "Print the verdict as JSON");
  check->callback([&run, options] { run = [options] { return run_check(*options); }; });
}

void add_rules_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<ScoringOptions>();
  CLI::App* rules = app.add_subcommand("rules", "Rule files");
  rules->require_subcommand(1);
  CLI::App* lint = rules->add_subcommand("lint", "Check rule files; print every error as file:line: message");
  lint->add_option("FILE", options->inputs, "Rule files")->required()->check(CLI::ExistingFile);
  lint->callback([&run, options] { run = [options] { return run_lint(*options); }; });
}

void add_eval_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<ScoringOptions>();
  CLI::App* eval = app.add_subcommand(
      "eval", "Score labelled CSV corpora (COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS); print catch rate, false positives "
              "and hits per rule");
  add_config_option(*eval, options->config);
  add_rules_option(*eval, *options);
  eval->add_option("CORPUS", options->inputs, "CSV files")->required()->check(CLI::ExistingFile);
  eval->add_option("--train", options->train_files,
                   "Teach a fresh in-memory model these labelled CSV files first (the site's store is not touched), "
                   "then score with rules plus learner")
      ->check(CLI::ExistingFile);
  eval->add_option("--min-per-class", options->min_per_class,
                   "With --train: the learner's gate (default: the config's [learning] min_per_class)")
      ->check(CLI::PositiveNumber);
  eval->add_flag("--json", options->json, "Print one JSON object with the counts per file and in total");
  eval->callback([&run, options] { run = [options] { return run_eval(*options); }; });
}

}  // namespace spamgate::cli

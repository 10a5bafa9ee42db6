// spamgate check, spamgate rules lint, spamgate rules try, spamgate eval.
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "form/submission_builder.h"
#include "learning/learner.h"
#include "scoring/candidate_rules.h"
#include "scoring/eval.h"
#include "scoring/rule_set.h"
#include "scoring/scorer.h"
#include "store/submission_log.h"
#include "store/trial_history.h"
#include "util/json_text.h"

namespace spamgate::cli {
namespace {

struct ScoringOptions {
  std::string config;
  std::vector<std::string> rule_files;  // overrides the config's [rules] files
  std::vector<std::string> inputs;      // corpus files or rule files
  bool json = false;
  std::vector<std::string> train_files;  // eval: teach a fresh model these first
  int min_per_class = 0;                 // eval: the learner's gate (0: the config's)
  int days = 0;                          // try: how far back (0: the config's store.retention_days)
  int examples = 3;                      // try: examples per rule
};

// The config's [rules] files, or --rules.
std::vector<std::string> current_rule_files(const ScoringOptions& options, const Config& config) {
  std::vector<std::string> files = options.rule_files;
  if (files.empty())
    for (const std::string& file : config.rules.files) files.push_back(config.resolve(file));
  return files;
}

// The rule set named by --rules or the config; prints every error on failure.
std::shared_ptr<const RuleSet> load_rule_set(const ScoringOptions& options, const Config& config) {
  RuleLoad load = load_rules(current_rule_files(options, config));
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
  std::cout << (options.json ? json_text(verdict) + "\n" : verdict.to_text());
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

int run_try(const ScoringOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  CandidateLoad rules = load_candidate_rules(current_rule_files(options, *config), options.inputs);
  for (const std::string& error : rules.errors) std::cerr << error << "\n";
  if (!rules.candidate) return 2;
  SystemClock clock;
  SubmissionLogOptions log_options;
  log_options.retention_days = config->store.retention_days;
  log_options.keep_passed_days = config->review.keep_passed_days;
  log_options.budget.per_client_hour = config->review.keep_per_client_hour;
  log_options.budget.max_bytes = int64_t{config->review.keep_total_mb} << 20;
  const std::string store = config->resolve(config->store.path);
  auto log = SubmissionLog::open(store, log_options, clock);
  if (!log) return std::cerr << log.error() << "\n", 2;
  auto feedback = FeedbackLog::open(store);
  if (!feedback) return std::cerr << feedback.error() << "\n", 2;
  const int days = options.days > 0 ? options.days : config->store.retention_days;
  const int64_t since = unix_seconds(clock.now()) - int64_t{days} * 86400;
  auto items = load_trial_items(**log, **feedback, since);
  if (!items) return std::cerr << items.error() << "\n", 2;
  TrialOptions trial;
  trial.examples = static_cast<size_t>(options.examples);
  TrialReport report = run_rule_trial(*rules.current, *rules.candidate, *items, config->checks, trial);
  report.since = since;
  report.replaced = rules.replaced;
  std::cout << (options.json ? json_text(report) + "\n" : report.to_text());
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
    std::cout << json_text(eval_json(*report, learned.get())) << "\n";
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

  auto try_options = std::make_shared<ScoringOptions>();
  CLI::App* try_rules = rules->add_subcommand(
      "try", "Score the stored submissions with the current rules and with these candidate files added (a "
             "candidate rule replaces the current one of the same name); print what would change. Changes nothing");
  add_config_option(*try_rules, try_options->config);
  add_rules_option(*try_rules, *try_options);
  try_rules->add_option("FILE", try_options->inputs, "Candidate rule files")->required()->check(CLI::ExistingFile);
  try_rules->add_option("--days", try_options->days, "How many days back (default: the config's store.retention_days)")
      ->check(CLI::Range(1, 3660));
  try_rules->add_option("--examples", try_options->examples, "Examples per rule")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  try_rules->add_flag("--json", try_options->json, "Print the difference as one JSON object");
  try_rules->callback([&run, try_options] { run = [try_options] { return run_try(*try_options); }; });
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

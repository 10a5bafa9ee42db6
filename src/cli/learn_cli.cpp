// spamgate learn (teach the site's classifier from files, forget a
// decision, rebuild) and spamgate model (what it has learned).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "shared/redis_config.h"
#include "scoring/eval.h"
#include "scoring/learn/explanation.h"
#include "util/fnv1a.h"
#include "util/time_format.h"

namespace spamgate::cli {
namespace {

struct LearnOptions {
  std::string config;
  std::vector<std::string> spam_files;  // one comment per file
  std::vector<std::string> ham_files;
  std::vector<std::string> corpora;     // labelled CSV
  std::string forget;
  bool rebuild = false;
  int top = 15;
};

std::unique_ptr<FeedbackLog> open_log(const Config& config) {
  auto log = FeedbackLog::open(config.resolve(config.store.path));
  if (!log) return std::cerr << log.error() << "\n", nullptr;
  return std::move(*log);
}

// A stable id for text taught from the command line: teaching the same
// text again replaces the earlier decision instead of counting twice.
std::string content_id(const std::string& author, const std::string& body) {
  const uint64_t hash = fnv1a(kFnv1aBasis, author + '\n' + body);
  std::ostringstream out;
  out << "cli-" << std::hex << std::setw(16) << std::setfill('0') << hash;
  return out.str();
}

FeedbackRecord cli_decision(const std::string& author, const std::string& body, bool spam) {
  FeedbackRecord f;
  f.decision = spam ? "spam" : "ham";
  f.author = author;
  f.body = body;
  f.submission_id = content_id(author, body);
  f.source = "cli";
  f.created_at =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return f;
}

Result<std::vector<FeedbackRecord>> read_decisions(const LearnOptions& options) {
  std::vector<FeedbackRecord> decisions;
  for (bool spam : {true, false}) {
    for (const std::string& path : spam ? options.spam_files : options.ham_files) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return Error{path + ": cannot read"};
      std::ostringstream text;
      text << in.rdbuf();
      if (text.str().empty()) return Error{path + ": empty"};
      decisions.push_back(cli_decision("", text.str(), spam));
    }
  }
  for (const std::string& path : options.corpora) {
    auto rows = read_labelled_csv(path);
    if (!rows) return Error{rows.error()};
    for (const LabelledComment& row : *rows) decisions.push_back(cli_decision(row.author, row.body, row.spam));
  }
  return decisions;
}

void print_status(const LearnedModel& model) {
  std::cout << "learned from " << model.counts().spam << " spam and " << model.counts().ham << " ham; "
            << (model.active() ? "LEARNED is active"
                               : "LEARNED stays silent until it has " + std::to_string(model.min_per_class()) +
                                     " of each")
            << "\n";
}

int run_learn(const LearnOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  auto log = open_log(*config);
  if (!log) return 2;
  // With shared state the decisions go through the learning stream, so
  // every node learns them (and this node's log catches up first).
  std::unique_ptr<RedisLink> redis;
  if (!config->shared.redis.empty()) {
    Result<RedisLinkOptions> redis_options = redis_link_options(*config);
    if (!redis_options) return std::cerr << redis_options.error() << "\n", 2;
    redis_options->timeout = std::max(redis_options->timeout, std::chrono::milliseconds(1000));
    redis_options->log_changes = false;
    redis = std::make_unique<RedisLink>(*redis_options);
  }
  auto channel = FeedbackChannel::open(config->resolve(config->store.path), *log, redis.get(), nullptr,
                                       config->shared.snapshot_every);
  if (!channel) return std::cerr << channel.error() << "\n", 2;
  if (Result<int> synced = (*channel)->sync(); !synced)
    std::cerr << "shared state: " << synced.error() << "; the decisions reach the other nodes once Redis answers\n";
  if (!options.forget.empty()) {
    auto forgotten = (*channel)->forget(options.forget);
    if (!forgotten) return std::cerr << forgotten.error() << "\n", 2;
    std::cout << "forgot " << *forgotten << " decision(s) for " << options.forget << "\n";
    if (*forgotten == 0) return 1;
  }
  auto decisions = read_decisions(options);
  if (!decisions) return std::cerr << decisions.error() << "\n", 2;
  if (!decisions->empty()) {
    auto replaced = (*channel)->record_all(*decisions);
    if (!replaced) return std::cerr << replaced.error() << "\n", 2;
    std::cout << "stored " << decisions->size() << " decision(s), " << *replaced << " replacing earlier ones\n";
  }
  Learner learner(*log, config->learning.min_per_class);
  if (Status refreshed = learner.refresh(); !refreshed) return std::cerr << refreshed.error() << "\n", 2;
  print_status(*learner.current());
  std::cout << "a running spamgate picks this up within " << config->learning.poll_seconds << " s\n";
  return 0;
}

int run_model(const LearnOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  auto log = open_log(*config);
  if (!log) return 2;
  auto decisions = log->labels();
  if (!decisions) return std::cerr << decisions.error() << "\n", 2;
  const auto model = train_on_decisions(*decisions, config->learning.min_per_class);
  print_status(*model);
  if (decisions->empty()) return 0;
  int64_t newest = 0;
  for (const FeedbackRecord& d : *decisions) newest = std::max(newest, d.created_at);
  std::cout << "newest decision: " << rfc3339_utc(newest) << "\n";
  std::map<uint32_t, std::string> names;  // slot -> the first feature name seen there
  for (const FeedbackRecord& d : *decisions)
    for (NamedFeature& f : describe_features(d.submission()))
      if (f.name != "z:bias") names.emplace(f.slot, std::move(f.name));
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [slot, name] : names)
    if (model->weight(slot) != 0) ranked.emplace_back(model->weight(slot), readable_feature(name));
  std::sort(ranked.begin(), ranked.end());
  const size_t top = std::min(static_cast<size_t>(options.top), ranked.size());
  std::cout << "\nweighs most toward spam:\n";
  for (size_t i = 0; i < top; ++i) {
    const auto& [weight, name] = ranked[ranked.size() - 1 - i];
    if (weight > 0) std::cout << "  " << std::fixed << std::setprecision(2) << std::setw(6) << weight << "  " << name << "\n";
  }
  std::cout << "\nweighs most toward ham:\n";
  for (size_t i = 0; i < top; ++i) {
    const auto& [weight, name] = ranked[i];
    if (weight < 0) std::cout << "  " << std::fixed << std::setprecision(2) << std::setw(6) << weight << "  " << name << "\n";
  }
  return 0;
}

}  // namespace

void add_learn_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<LearnOptions>();
  CLI::App* learn = app.add_subcommand(
      "learn", "Teach the site's classifier (LEARNED): --spam FILE, --ham FILE (one comment per file), labelled "
               "CSV corpora, --forget ID; the decisions go to the feedback log the model is built from");
  add_config_option(*learn, options->config);
  learn->add_option("--spam", options->spam_files, "Files, each holding one spam comment")->check(CLI::ExistingFile);
  learn->add_option("--ham", options->ham_files, "Files, each holding one wanted comment")->check(CLI::ExistingFile);
  learn->add_option("CORPUS", options->corpora, "Labelled CSV files (COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS)")
      ->check(CLI::ExistingFile);
  learn->add_option("--forget", options->forget,
                    "Delete the decisions with this feedback row id, spamgate submission id or WordPress comment id "
                    "(with [shared]: submission or comment id only, which name the same decision on every node)");
  learn->add_flag("--rebuild", options->rebuild, "Retrain from the feedback log and print the counts");
  learn->callback([&run, options] {
    if (options->spam_files.empty() && options->ham_files.empty() && options->corpora.empty() &&
        options->forget.empty() && !options->rebuild)
      throw CLI::CallForHelp();
    run = [options] { return run_learn(*options); };
  });

  CLI::App* model = app.add_subcommand(
      "model", "What the site's classifier has learned: counts, gate, newest decision, the strongest features");
  add_config_option(*model, options->config);
  model->add_option("--top", options->top, "How many features toward spam and toward ham")->capture_default_str();
  model->callback([&run, options] { run = [options] { return run_model(*options); }; });
}

}  // namespace spamgate::cli

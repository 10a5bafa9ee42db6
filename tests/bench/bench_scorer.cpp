// bench_scorer: time per comment of Scorer::score with and without the
// literal prefilter, for several rule sets and comment sizes; rule-set load
// time and memory; with a trained LEARNED model: scoring and a full retrain;
// FUZZY against 10,000 remembered spam. Google Benchmark flags apply (--benchmark_format=json,
// --benchmark_filter=...). Extra flag: --dump_comments=FILE writes the
// comments as JSON (for tests/bench/wp_disallowed.php) and exits.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "scorer_inputs.h"
#include "scoring/eval.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/learn/learned_model.h"
#include "scoring/scorer.h"
#include "support/comment.h"

using namespace spamgate;
using namespace spamgate::bench;

namespace {

struct Memory {
  double rss_mb = -1;   // resident set growth while loading
  double heap_mb = -1;  // malloc'd bytes held by the loaded set
};

double rss_bytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double heap_bytes() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

// Loads `spec` in a child process, so that memory freed by earlier loads
// cannot hide the growth. {-1, -1} when the child fails.
Memory memory_of(const RuleSetSpec& spec) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const double rss = rss_bytes(), heap = heap_bytes();
    const RuleLoad load = load_rules(spec.files);
    Memory m{(rss_bytes() - rss) / 1e6, (heap_bytes() - heap) / 1e6};
    if (!load.rules) m = {};
    const bool written = write(fds[1], &m, sizeof m) == static_cast<ssize_t>(sizeof m);
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  Memory m;
  if (pid < 0 || read(fds[0], &m, sizeof m) != static_cast<ssize_t>(sizeof m)) m = {};
  close(fds[0]);
  if (pid > 0) waitpid(pid, nullptr, 0);
  return m;
}

void load_benchmark(benchmark::State& state, const RuleSetSpec& spec, Memory memory) {
  size_t regexes = 0, prefiltered = 0;
  for (auto _ : state) {
    const RuleLoad load = load_rules(spec.files);
    if (!load.rules) {
      state.SkipWithError(load.errors.front().c_str());
      return;
    }
    regexes = load.rules->compiled().regexes.size();
    prefiltered = load.rules->compiled().prefilter.filtered_count();
  }
  state.counters["rss_growth_MB"] = memory.rss_mb;
  state.counters["heap_MB"] = memory.heap_mb;
  state.counters["regexes"] = static_cast<double>(regexes);
  state.counters["prefiltered"] = static_cast<double>(prefiltered);
}

// One iteration scores one comment (cycling through the class) as
// Gateway::score does: the body's links found once for every check, and
// FUZZY's fingerprint computed at most once. Besides the mean, reports the
// median time of one comment.
void score_benchmark(benchmark::State& state, const RuleSet& rules, const CommentClass& comments, bool prefilter,
                     const LearnedModel* learned, const FuzzyMemory* fuzzy) {
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}, learned, fuzzy};
  const Scorer scorer(ScorerOptions{prefilter});
  std::vector<double> micros;
  size_t next = 0, bytes = 0, hits = 0;
  for (auto _ : state) {
    const Submission& s = comments.comments[next++ % comments.comments.size()];
    const auto start = std::chrono::steady_clock::now();
    const std::vector<LinkSpan> links = link_spans(s.body);
    const LazyFingerprint fingerprint(s, &links);
    context.body_links = &links;
    context.fuzzy_fingerprint = &fingerprint;
    Verdict verdict = scorer.score(rules, s, context);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    benchmark::DoNotOptimize(verdict);
    bytes += s.author.size() + s.body.size();
    hits += verdict.hits.size();
  }
  std::nth_element(micros.begin(), micros.begin() + static_cast<long>(micros.size() / 2), micros.end());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["median_us"] = micros.empty() ? 0 : micros[micros.size() / 2];
  state.counters["hits_per_comment"] =
      static_cast<double>(hits) / static_cast<double>(std::max<size_t>(1, static_cast<size_t>(state.iterations())));
}

// FUZZY's memory holding `count` spam examples: each two short corpus
// comments joined (pairs picked by a fixed LCG), so that no two agree.
std::unique_ptr<FuzzyMemory> remembered_spam(const CommentClass& shorts, size_t count) {
  auto memory = std::make_unique<FuzzyMemory>(count, ChecksConfig{}.fuzzy_similarity);
  uint64_t state = 42;
  const auto next = [&state, &shorts] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return shorts.comments[(state >> 33) % shorts.comments.size()];
  };
  for (size_t i = 0; memory->spam_examples() < count && i < count * 4; ++i) {
    Submission s = next();
    s.body += "\n" + next().body;
    memory->add_spam(std::to_string(i), s, true);
  }
  return memory;
}

// One iteration: FUZZY's whole cost for one comment (fingerprint + lookup),
// or, with `lookup_only`, the lookup of a fingerprint computed beforehand.
void fuzzy_benchmark(benchmark::State& state, const FuzzyMemory& memory, const CommentClass& comments,
                     bool lookup_only) {
  std::vector<std::optional<FuzzyFingerprint>> prints;
  for (const Submission& s : comments.comments) prints.push_back(submission_fingerprint(s));
  std::vector<double> micros;
  size_t next = 0, found = 0;
  for (auto _ : state) {
    const size_t i = next++ % comments.comments.size();
    const auto start = std::chrono::steady_clock::now();
    std::optional<FuzzyMatch> hit;
    if (!lookup_only) hit = memory.match(comments.comments[i]);
    else if (prints[i]) hit = memory.match(*prints[i]);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    found += hit.has_value();
    benchmark::DoNotOptimize(hit);
  }
  std::nth_element(micros.begin(), micros.begin() + static_cast<long>(micros.size() / 2), micros.end());
  state.SetItemsProcessed(state.iterations());
  state.counters["median_us"] = micros.empty() ? 0 : micros[micros.size() / 2];
  state.counters["examples"] = static_cast<double>(memory.spam_examples());
  state.counters["match_rate"] =
      static_cast<double>(found) / static_cast<double>(std::max<size_t>(1, static_cast<size_t>(state.iterations())));
}

// A full retrain (what serve does when the feedback log changed) on `examples`.
void retrain_benchmark(benchmark::State& state, const std::vector<ModelTrainer::Example>& examples) {
  for (auto _ : state) {
    ModelTrainer trainer;
    trainer.train_all(examples);
    benchmark::DoNotOptimize(trainer.snapshot(40));
  }
  state.counters["examples"] = static_cast<double>(examples.size());
  state.counters["trainer_MB"] = 3.0 * kFeatureSlots * sizeof(float) / 1e6;
  state.counters["snapshot_MB"] = 1.0 * kFeatureSlots * sizeof(float) / 1e6;
}

int dump_comments(const std::vector<CommentClass>& classes, const std::string& path) {
  nlohmann::json out = nlohmann::json::object();
  for (const CommentClass& c : classes)
    for (const Submission& s : c.comments) out[c.name].push_back({{"author", s.author}, {"body", s.body}});
  std::ofstream file(path, std::ios::binary);
  file << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!file) {
    std::cerr << "bench_scorer: cannot write " << path << "\n";
    return 1;
  }
  return 0;
}

// Removes --dump_comments=FILE from argv; returns FILE or "".
std::string take_dump_flag(int& argc, char** argv) {
  const char* kFlag = "--dump_comments=";
  std::string path;
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], kFlag, std::strlen(kFlag)) == 0) path = argv[i] + std::strlen(kFlag);
    else argv[kept++] = argv[i];
  }
  argc = kept;
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dump = take_dump_flag(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const auto scratch = std::filesystem::temp_directory_path() / ("spamgate-bench-" + std::to_string(getpid()));
  std::vector<CommentClass> classes;
  std::vector<RuleSetSpec> specs;
  try {
    classes = corpus_comment_classes(SPAMGATE_CORPUS_DIR);
    for (CommentClass& c : japanese_comment_classes(SPAMGATE_SOURCE_DIR)) classes.push_back(std::move(c));
    if (!dump.empty()) return dump_comments(classes, dump);
    std::filesystem::create_directories(scratch);
    specs = rule_set_specs(SPAMGATE_SOURCE_DIR, SPAMGATE_CORPUS_DIR, scratch);
  } catch (const std::exception& e) {
    std::cerr << "bench_scorer: " << e.what() << "\n";
    std::filesystem::remove_all(scratch);
    return 1;
  }

  // Memory first, in children, before this process holds any rule set.
  std::vector<Memory> memory;
  std::fprintf(stderr, "%-16s %14s %10s\n", "rule set", "rss_growth_MB", "heap_MB");
  for (const RuleSetSpec& spec : specs) {
    memory.push_back(memory_of(spec));
    std::fprintf(stderr, "%-16s %14.1f %10.1f\n", spec.name.c_str(), memory.back().rss_mb, memory.back().heap_mb);
  }

  std::vector<std::shared_ptr<const RuleSet>> sets;
  for (size_t i = 0; i < specs.size(); ++i) {
    RuleLoad load = load_rules(specs[i].files);
    if (!load.rules) {
      for (const std::string& e : load.errors) std::cerr << e << "\n";
      std::filesystem::remove_all(scratch);
      return 1;
    }
    sets.push_back(load.rules);
    benchmark::RegisterBenchmark(("load/" + specs[i].name).c_str(), load_benchmark, specs[i], memory[i])
        ->Unit(benchmark::kMillisecond);
  }
  for (size_t i = 0; i < specs.size(); ++i)
    for (const CommentClass& c : classes)
      for (bool prefilter : {true, false})
        benchmark::RegisterBenchmark(
            ("score/" + specs[i].name + "/" + c.name + (prefilter ? "/prefilter" : "/no_prefilter")).c_str(),
            score_benchmark, std::cref(*sets[i]), std::cref(c), prefilter, nullptr, nullptr)
            ->Unit(benchmark::kMicrosecond);

  // LEARNED: the default rules with a model taught the whole YouTube corpus
  // with its real labels (so that it fires where a site's model would).
  std::vector<ModelTrainer::Example> examples;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}) {
    const auto rows = read_labelled_csv(std::string(SPAMGATE_CORPUS_DIR) + "/comments/" + name);
    if (!rows) {
      std::cerr << "bench_scorer: " << rows.error() << "\n";
      std::filesystem::remove_all(scratch);
      return 1;
    }
    for (const LabelledComment& row : rows.value())
      examples.push_back({extract_features(testing::comment(row.body, row.author, "reader@example.org")), row.spam});
  }
  ModelTrainer trainer;
  trainer.train_all(examples);
  const auto learned = trainer.snapshot(1);
  for (const CommentClass& c : classes)
    benchmark::RegisterBenchmark(("score/" + specs.front().name + "+learned/" + c.name + "/prefilter").c_str(),
                                 score_benchmark, std::cref(*sets.front()), std::cref(c), true, learned.get(), nullptr)
        ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("learn/retrain", retrain_benchmark, std::cref(examples))->Unit(benchmark::kMillisecond);

  // FUZZY against 10,000 remembered spam: alone, lookup only, and in the scorer.
  std::unique_ptr<FuzzyMemory> fuzzy;
  for (const CommentClass& c : classes)
    if (c.name == "short") fuzzy = remembered_spam(c, 10000);
  for (const CommentClass& c : classes) {
    benchmark::RegisterBenchmark(("fuzzy10k/" + c.name).c_str(), fuzzy_benchmark, std::cref(*fuzzy), std::cref(c), false)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("fuzzy10k/" + c.name + "/lookup_only").c_str(), fuzzy_benchmark, std::cref(*fuzzy),
                                 std::cref(c), true)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("score/" + specs.front().name + "+fuzzy10k/" + c.name + "/prefilter").c_str(),
                                 score_benchmark, std::cref(*sets.front()), std::cref(c), true, nullptr, fuzzy.get())
        ->Unit(benchmark::kMicrosecond);
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(scratch);
  return 0;
}

#include "scoring/eval.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "scoring/scorer.h"

namespace spamgate {
namespace {

void add(EvalCounts& to, const EvalCounts& from) {
  to.spam += from.spam;
  to.ham += from.ham;
  to.spam_caught += from.spam_caught;
  to.spam_rejected += from.spam_rejected;
  to.false_positives += from.false_positives;
  to.ham_rejected += from.ham_rejected;
}

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", fraction * 100);
  return buffer;
}

}  // namespace

double EvalCounts::precision() const {
  const size_t flagged = spam_caught + false_positives;
  return flagged == 0 ? 1.0 : static_cast<double>(spam_caught) / static_cast<double>(flagged);
}

double EvalCounts::recall() const {
  return spam == 0 ? 0.0 : static_cast<double>(spam_caught) / static_cast<double>(spam);
}

Submission labelled_submission(const LabelledComment& comment) {
  Submission submission;
  submission.author = comment.author;
  submission.body = comment.body;
  return submission;
}

Result<std::shared_ptr<const LearnedModel>> train_on_files(const std::vector<std::string>& files,
                                                           int64_t min_per_class) {
  std::vector<ModelTrainer::Example> examples;
  for (const std::string& file : files) {
    auto comments = read_labelled_csv(file);
    if (!comments) return Error{comments.error()};
    for (const LabelledComment& comment : *comments)
      examples.push_back({extract_features(labelled_submission(comment)), comment.spam});
  }
  ModelTrainer trainer;
  trainer.train_all(examples);
  return trainer.snapshot(min_per_class);
}

Result<size_t> teach_fuzzy_from_files(const std::vector<std::string>& files, FuzzyMemory& memory) {
  for (const std::string& file : files) {
    auto comments = read_labelled_csv(file);
    if (!comments) return Error{comments.error()};
    const std::string name = std::filesystem::path(file).filename().string();
    for (const LabelledComment& comment : *comments) {
      if (comment.spam) memory.add_spam(name + ":" + std::to_string(comment.line), labelled_submission(comment), true);
      else memory.add_ham(labelled_submission(comment));
    }
  }
  return memory.spam_examples();
}

Result<EvalReport> evaluate(const RuleSet& rules, const ChecksConfig& checks, const std::vector<std::string>& files,
                            const LearnedModel* learned, EvalFuzzy fuzzy) {
  const CheckContext context{checks, "", nullptr, TimePoint{}, learned, fuzzy.memory};
  const CheckContext without_learned{checks, "", nullptr, TimePoint{}, nullptr, fuzzy.memory};
  const bool rows_wanted = learned != nullptr && learned->active();
  const Scorer scorer;
  EvalReport report;
  report.total.name = "total";
  std::map<std::string, RuleHitCount> hits;
  for (const std::string& file : files) {
    auto comments = read_labelled_csv(file);
    if (!comments) return Error{comments.error()};
    EvalCounts counts;
    counts.name = std::filesystem::path(file).filename().string();
    for (const LabelledComment& comment : *comments) {
      const Submission submission = labelled_submission(comment);
      const Verdict verdict = scorer.score(rules, submission, context);
      if (rows_wanted)  // before a rejection teaches FUZZY this very row
        report.learned_rows.push_back({learned->confident_probability(extract_features(submission)),
                                       scorer.score(rules, submission, without_learned).action != Action::pass,
                                       comment.spam});
      if (fuzzy.memory && fuzzy.from_rejects && rejection_teaches_fuzzy(verdict, rules.reject_threshold()))
        fuzzy.memory->add_spam(counts.name + ":" + std::to_string(comment.line), submission, false);
      const bool flagged = verdict.action != Action::pass;
      const bool rejected = verdict.action == Action::reject || verdict.action == Action::discard;
      report.rule_errors += verdict.rule_errors.size();
      if (comment.spam) {
        ++counts.spam;
        counts.spam_caught += flagged;
        counts.spam_rejected += rejected;
      } else {
        ++counts.ham;
        counts.false_positives += flagged;
        counts.ham_rejected += rejected;
      }
      for (const Hit& hit : verdict.hits) {
        RuleHitCount& count = hits[hit.rule];
        count.rule = hit.rule;
        ++(comment.spam ? count.spam : count.ham);
      }
    }
    add(report.total, counts);
    report.files.push_back(std::move(counts));
  }
  for (auto& [name, count] : hits) report.rule_hits.push_back(std::move(count));
  std::stable_sort(report.rule_hits.begin(), report.rule_hits.end(), [](const RuleHitCount& a, const RuleHitCount& b) {
    return a.spam + a.ham > b.spam + b.ham;
  });
  return report;
}

std::string render_eval(const EvalReport& report) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %6s %6s %6s %8s %6s %6s %6s %9s %7s\n", "file", "total", "spam", "ham",
                "caught", "rej", "fp", "fprej", "precision", "recall");
  out << line;
  auto row = [&](const EvalCounts& c) {
    std::snprintf(line, sizeof line, "%-28s %6zu %6zu %6zu %8zu %6zu %6zu %6zu %9s %7s\n", c.name.c_str(), c.total(),
                  c.spam, c.ham, c.spam_caught, c.spam_rejected, c.false_positives, c.ham_rejected,
                  percent(c.precision()).c_str(), percent(c.recall()).c_str());
    out << line;
  };
  for (const EvalCounts& c : report.files) row(c);
  if (report.files.size() > 1) row(report.total);
  out << "\ncaught = held or rejected; fp = ham held or rejected\n\nrule hits (spam / ham):\n";
  for (const RuleHitCount& h : report.rule_hits) {
    std::snprintf(line, sizeof line, "  %-28s %6zu / %zu\n", h.rule.c_str(), h.spam, h.ham);
    out << line;
  }
  if (report.rule_errors > 0) out << "\nrule errors while scoring: " << report.rule_errors << "\n";
  return out.str();
}

nlohmann::json eval_json(const EvalReport& report, const LearnedModel* learned) {
  auto counts = [](const EvalCounts& c) {
    return nlohmann::json{{"spam", c.spam}, {"ham", c.ham}, {"caught", c.spam_caught}, {"fp", c.false_positives}};
  };
  nlohmann::json out;
  out["files"] = nlohmann::json::array();
  for (const EvalCounts& c : report.files) {
    nlohmann::json file = counts(c);
    file["file"] = c.name;
    out["files"].push_back(std::move(file));
  }
  out["total"] = counts(report.total);
  if (learned)
    out["learned"] = {{"spam", learned->counts().spam}, {"ham", learned->counts().ham}, {"active", learned->active()}};
  if (!report.learned_rows.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const LearnedRow& row : report.learned_rows)
      rows.push_back({row.probability, row.flagged_without ? 1 : 0, row.spam ? 1 : 0});
    out["learned_rows"] = std::move(rows);
  }
  return out;
}

}  // namespace spamgate

#include "scoring/rule_trial.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "scoring/checks/builtin_checks.h"
#include "scoring/history.h"
#include "scoring/scorer.h"
#include "util/time_format.h"
#include "util/untrusted_text.h"

namespace spamgate {
namespace {

constexpr const char* kThresholds = "(thresholds)";

// The checks whose outcome depended on the moment (a token's age, the
// classifier of the day, FUZZY's spam examples of the day, a comment
// form's honeypot field, which is not kept): their recorded hit is carried
// over, scored by each set.
constexpr std::array<std::string_view, 5> kCarried = {"TOO_FAST", "NO_TOKEN", "HONEYPOT", "LEARNED", "FUZZY"};

bool was_hit(const TrialItem& item, std::string_view rule) {
  return std::any_of(item.recorded_hits.begin(), item.recorded_hits.end(),
                     [&](const Hit& hit) { return hit.rule == rule; });
}

// RATE_IP and DUPLICATE answer as they did when the submission came.
class ReplayedHistory final : public SubmissionHistory {
 public:
  ReplayedHistory(bool rate_limited, bool duplicate) : rate_limited_(rate_limited), duplicate_(duplicate) {}
  bool take_rate_token(std::string_view, double, double, TimePoint) override { return !rate_limited_; }
  bool seen_recently(uint64_t, int, TimePoint) override { return duplicate_; }

 private:
  bool rate_limited_, duplicate_;
};

struct Outcome {
  Action action = Action::pass;
  std::map<std::string, double> hits;  // rule -> score
};

Outcome score_with(const RuleSet& rules, const TrialItem& item, const ChecksConfig& checks) {
  ReplayedHistory history(was_hit(item, "RATE_IP"), was_hit(item, "DUPLICATE"));
  // No token secret: TOO_FAST and NO_TOKEN do not run (they are carried).
  const CheckContext context{checks, "", &history, TimePoint{std::chrono::seconds{item.created_at}}, nullptr};
  const Verdict verdict = Scorer{}.score(rules, item.submission, context);
  Outcome out;
  double total = verdict.score;
  for (const Hit& hit : verdict.hits) out.hits[hit.rule] = hit.score;
  for (const Hit& hit : item.recorded_hits) {
    if (std::find(kCarried.begin(), kCarried.end(), hit.rule) == kCarried.end() || out.hits.count(hit.rule)) continue;
    const RuleInfo* info = rules.find(hit.rule);
    const double score = !info ? 0 : hit.rule == "LEARNED" ? (info->score == 0 ? 0 : hit.score) : info->score;
    if (score == 0) continue;
    out.hits[hit.rule] = score;
    total += score;
  }
  out.action = total >= rules.reject_threshold() ? Action::reject
               : total >= rules.hold_threshold() ? Action::hold
                                                 : Action::pass;
  return out;
}

bool blocked(Action action) { return action != Action::pass; }

// The rules whose hit the candidate added or raised (`stricter`), or
// removed or lowered; "(thresholds)" when none did.
std::vector<std::string> responsible(const Outcome& before, const Outcome& after, bool stricter) {
  const Outcome& more = stricter ? after : before;
  const Outcome& less = stricter ? before : after;
  std::vector<std::string> out;
  for (const auto& [rule, score] : more.hits) {
    auto other = less.hits.find(rule);
    if (other == less.hits.end() ? score > 0 : score > other->second) out.push_back(rule);
  }
  if (out.empty()) out.push_back(kThresholds);
  return out;
}

std::string example_text(const Submission& s, size_t chars) {
  std::string text = s.author.empty() ? s.body : s.author + ": " + s.body;
  if (!s.subject.empty()) text = s.subject + " / " + text;
  return quoted_untrusted(text, chars);
}

const char* owner_word(const std::optional<bool>& spam) { return !spam ? "" : *spam ? "spam" : "not spam"; }

}  // namespace

TrialReport run_rule_trial(const RuleSet& current, const RuleSet& candidate, const std::vector<TrialItem>& items,
                           const ChecksConfig& checks, const TrialOptions& options) {
  TrialReport report;
  std::map<std::string, RuleDifference> per_rule;
  // Newest first, so each rule's examples are the latest ones.
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    const TrialItem& item = *it;
    const Outcome before = score_with(current, item, checks);
    const Outcome after = score_with(candidate, item, checks);
    ++report.scored;
    if (item.owner_says_spam) ++report.labelled;
    if (item.recorded_action) {
      const Action then = *item.recorded_action == Action::discard ? Action::reject : *item.recorded_action;
      if (then != before.action) ++report.differ_from_recorded;
    }
    if (before.action == after.action) continue;
    if (blocked(before.action) && blocked(after.action)) {
      ++(after.action == Action::reject ? report.hold_to_reject : report.reject_to_hold);
      continue;
    }
    const bool stricter = blocked(after.action);
    const int ham = item.owner_says_spam == false ? 1 : 0, spam = item.owner_says_spam == true ? 1 : 0;
    if (stricter) {
      ++report.newly_blocked;
      report.newly_blocked_ham += ham;
    } else {
      ++report.newly_passed;
      report.newly_passed_spam += spam;
    }
    for (const std::string& rule : responsible(before, after, stricter)) {
      RuleDifference& difference = per_rule[rule];
      difference.rule = rule;
      if (stricter) {
        ++difference.newly_blocked;
        difference.newly_blocked_ham += ham;
      } else {
        ++difference.newly_passed;
        difference.newly_passed_spam += spam;
      }
      if (difference.examples.size() < options.examples)
        difference.examples.push_back({item.id, item.created_at, kind_name(item.submission.kind), before.action,
                                       after.action, item.owner_says_spam,
                                       example_text(item.submission, options.example_chars)});
    }
  }
  for (auto& [rule, difference] : per_rule) report.rules.push_back(std::move(difference));
  std::stable_sort(report.rules.begin(), report.rules.end(), [](const RuleDifference& a, const RuleDifference& b) {
    return a.newly_blocked + a.newly_passed > b.newly_blocked + b.newly_passed;
  });
  return report;
}

void to_json(nlohmann::json& out, const TrialExample& e) {
  out = {{"id", e.id},
         {"created_at", e.created_at},
         {"kind", e.kind},
         {"before", action_name(e.before)},
         {"after", action_name(e.after)},
         {"owner", e.owner_says_spam ? nlohmann::json(owner_word(e.owner_says_spam)) : nullptr},
         {"text", e.text}};
}

void to_json(nlohmann::json& out, const RuleDifference& d) {
  out = {{"rule", d.rule},
         {"newly_blocked", d.newly_blocked},
         {"newly_blocked_not_spam", d.newly_blocked_ham},
         {"newly_passed", d.newly_passed},
         {"newly_passed_spam", d.newly_passed_spam},
         {"examples", d.examples}};
}

void to_json(nlohmann::json& out, const TrialReport& report) {
  out = {{"scored", report.scored},
         {"labelled", report.labelled},
         {"newly_blocked", {{"count", report.newly_blocked}, {"marked_not_spam", report.newly_blocked_ham}}},
         {"newly_passed", {{"count", report.newly_passed}, {"marked_spam", report.newly_passed_spam}}},
         {"hold_to_reject", report.hold_to_reject},
         {"reject_to_hold", report.reject_to_hold},
         {"differ_from_recorded", report.differ_from_recorded},
         {"since", report.since},
         {"replaced", report.replaced},
         {"rules", report.rules}};
}

std::string TrialReport::to_text() const {
  std::string out = "scored " + std::to_string(scored) + " stored submissions since " + rfc3339_utc(since) + " (" +
                    std::to_string(labelled) + " with the owner's decision)\n";
  out += "newly blocked:     " + std::to_string(newly_blocked) + " (" + std::to_string(newly_blocked_ham) +
         " of them marked not spam by the owner)\n";
  out += "newly let through: " + std::to_string(newly_passed) + " (" + std::to_string(newly_passed_spam) +
         " of them marked spam by the owner)\n";
  if (hold_to_reject || reject_to_hold)
    out += "still blocked:     " + std::to_string(hold_to_reject) + " hold -> reject, " +
           std::to_string(reject_to_hold) + " reject -> hold\n";
  if (!replaced.empty()) {
    out += "replaced:";
    for (const std::string& name : replaced) out += " " + name;
    out += "\n";
  }
  if (differ_from_recorded)
    out += "note: " + std::to_string(differ_from_recorded) +
           " scored differently today than when they came (the rules changed since)\n";
  for (const RuleDifference& d : rules) {
    out += "\n" + d.rule + ": " + std::to_string(d.newly_blocked) + " newly blocked (" +
           std::to_string(d.newly_blocked_ham) + " not spam), " + std::to_string(d.newly_passed) +
           " newly let through (" + std::to_string(d.newly_passed_spam) + " spam)\n";
    for (const TrialExample& e : d.examples) {
      out += "  " + rfc3339_utc(e.created_at) + "  " + e.kind + "  " + action_name(e.before) + " -> " +
             action_name(e.after);
      if (e.owner_says_spam) out += std::string("  [owner: ") + owner_word(e.owner_says_spam) + "]";
      out += "  " + e.text + "\n";
    }
  }
  return out;
}

}  // namespace spamgate

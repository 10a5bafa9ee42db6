#include "store/trial_history.h"

#include <unordered_map>
#include <unordered_set>

namespace spamgate {
namespace {

std::optional<Action> action_of(const std::string& action) {
  if (action == "pass") return Action::pass;
  if (action == "hold") return Action::hold;
  if (action == "reject") return Action::reject;
  if (action == "discard") return Action::discard;
  return std::nullopt;
}

TrialItem item_of_row(const SubmissionRecord& row) {
  TrialItem item;
  item.id = row.id;
  item.created_at = row.created_at;
  item.submission = stored_submission(row);
  item.recorded_hits = stored_hits(row);
  item.recorded_action = action_of(row.action);
  if (row.decision) item.owner_says_spam = *row.decision == "spam";
  return item;
}

TrialItem item_of_decision(const FeedbackRecord& decision) {
  TrialItem item;
  item.id = "feedback:" + std::to_string(decision.id);
  item.created_at = decision.created_at;
  item.submission = decision.submission();
  item.owner_says_spam = decision.is_spam();
  return item;
}

}  // namespace

std::vector<TrialItem> trial_items(const std::vector<SubmissionRecord>& rows,
                                   const std::vector<FeedbackRecord>& labels, int64_t since) {
  std::unordered_map<std::string, const FeedbackRecord*> by_submission;
  for (const FeedbackRecord& label : labels)
    if (!label.submission_id.empty()) by_submission[label.submission_id] = &label;  // oldest first: the latest stays
  std::vector<TrialItem> items;
  items.reserve(rows.size());
  std::unordered_set<std::string> kept;
  for (const SubmissionRecord& row : rows) {
    if (row.created_at < since || !row.content) continue;
    items.push_back(item_of_row(row));
    kept.insert(row.id);
    if (auto label = by_submission.find(row.id); label != by_submission.end())
      items.back().owner_says_spam = label->second->is_spam();
  }
  for (const FeedbackRecord& label : labels) {
    if (label.created_at < since || (!label.submission_id.empty() && kept.count(label.submission_id))) continue;
    if (label.author.empty() && label.body.empty() && label.subject.empty() && label.url.empty()) continue;
    items.push_back(item_of_decision(label));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const TrialItem& a, const TrialItem& b) { return a.created_at < b.created_at; });
  return items;
}

Result<std::vector<TrialItem>> load_trial_items(SubmissionLog& log, FeedbackLog& feedback, int64_t since) {
  auto rows = log.with_text_since(since);
  if (!rows) return Error{rows.error()};
  auto labels = feedback.labels();
  if (!labels) return Error{labels.error()};
  return trial_items(*rows, *labels, since);
}

}  // namespace spamgate

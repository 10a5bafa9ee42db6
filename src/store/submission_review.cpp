// SubmissionLog's review side: the blocked submissions the owner pages
// through, their decisions, a commenter's data for privacy requests, and
// the kept texts `rules try` scores.
#include <algorithm>
#include <variant>

#include "store/column_texts.h"
#include "store/submission_log.h"
#include "store/submission_rows.h"

namespace spamgate {

namespace {

using SqlValue = std::variant<int64_t, std::string>;

// A WHERE clause and its bound values, built from a ReviewQuery.
struct Filter {
  std::string sql = "content IS NOT NULL";
  std::vector<SqlValue> values;

  void add(const std::string& condition, std::vector<SqlValue> bound = {}) {
    // Placeholders in `condition` are written "?" and numbered here.
    std::string numbered;
    for (char c : condition) {
      if (c != '?') {
        numbered += c;
        continue;
      }
      values.push_back(bound.at(0));
      bound.erase(bound.begin());
      numbered += '?';
      numbered += std::to_string(values.size());
    }
    sql += " AND (" + numbered + ")";
  }
};

void bind_all(Statement& st, const std::vector<SqlValue>& values, int first = 1) {
  for (size_t i = 0; i < values.size(); ++i) {
    const int index = first + static_cast<int>(i);
    if (const auto* number = std::get_if<int64_t>(&values[i])) st.bind(index, *number);
    else st.bind(index, std::get<std::string>(values[i]));
  }
}

// `text` for a LIKE pattern that matches it literally, anywhere.
std::string like_anywhere(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

Filter review_filter(const ReviewQuery& q, bool with_rule) {
  Filter f;
  if (q.include_not_kept) f.sql = "(content IS NOT NULL OR not_kept IS NOT NULL)";
  std::string actions;
  std::vector<SqlValue> action_values;
  for (const std::string& action : q.actions) {
    if (!is_blocked_action(action)) continue;
    actions += actions.empty() ? "?" : ", ?";
    action_values.emplace_back(action);
  }
  if (actions.empty()) f.add("0");
  else f.add("action IN (" + actions + ")", action_values);
  if (!q.kind.empty()) f.add("kind = ?", {q.kind});
  if (!q.form_name.empty()) f.add("json_extract(content, '$.form.name') = ?", {q.form_name});
  if (!q.form_id.empty()) f.add("json_extract(content, '$.form.id') = ?", {q.form_id});
  if (q.since > 0) f.add("created_at >= ?", {q.since});
  if (q.exclude_held_comments) f.add("NOT (kind = 'comment' AND action = 'hold')");
  if (q.state == ReviewState::undecided) f.add("decision IS NULL");
  if (q.state == ReviewState::decided) f.add("decision IS NOT NULL");
  if (!q.text.empty())
    f.add("(coalesce(json_extract(content, '$.author'), '') || ' ' || coalesce(json_extract(content, '$.email'), '')"
          " || ' ' || coalesce(json_extract(content, '$.url'), '') || ' ' ||"
          " coalesce(json_extract(content, '$.subject'), '') || ' ' || coalesce(json_extract(content, '$.body'), ''))"
          " LIKE ? ESCAPE '\\'",
          {like_anywhere(q.text)});
  if (with_rule && !q.rule.empty()) f.add("instr(',' || rules || ',', ',' || ? || ',') > 0", {q.rule});
  return f;
}

Result<std::vector<SubmissionRecord>> read_rows(Statement& st) {
  std::vector<SubmissionRecord> rows;
  for (;;) {
    Result<bool> row = st.step();
    if (!row) return Error{row.error()};
    if (!*row) return rows;
    rows.push_back(read_submission_row(st));
  }
}

const char* const kEmailMatches = "json_extract(content, '$.email') = ?1 COLLATE NOCASE";

}  // namespace

Result<ReviewPage> SubmissionLog::review(const ReviewQuery& query) {
  const int per_page = std::clamp(query.per_page, 1, 100);
  const int64_t offset = int64_t{std::max(query.page, 1) - 1} * per_page;
  const Filter filter = review_filter(query, true);
  const Filter reason_filter = review_filter(query, false);
  ReviewPage page;
  std::lock_guard lock(query_mutex_);

  Result<Statement> count = query_db_.prepare("SELECT count(*) FROM submissions WHERE " + filter.sql);
  if (!count) return Error{count.error()};
  bind_all(*count, filter.values);
  Result<bool> counted = count->step();
  if (!counted) return Error{counted.error()};
  page.total = count->column_int(0);

  Result<Statement> rows = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE " +
                                             filter.sql + " ORDER BY created_at DESC, rowid DESC LIMIT ?" +
                                             std::to_string(filter.values.size() + 1) + " OFFSET ?" +
                                             std::to_string(filter.values.size() + 2));
  if (!rows) return Error{rows.error()};
  bind_all(*rows, filter.values);
  rows->bind(static_cast<int>(filter.values.size() + 1), per_page).bind(static_cast<int>(filter.values.size() + 2), offset);
  Result<std::vector<SubmissionRecord>> items = read_rows(*rows);
  if (!items) return Error{items.error()};
  page.items = std::move(*items);

  Result<Statement> reasons = query_db_.prepare(
      "SELECT json_extract(h.value, '$.rule') AS rule, count(*) AS n FROM submissions, json_each(submissions.hits) AS h"
      " WHERE " + reason_filter.sql + " AND json_valid(submissions.hits) AND rule IS NOT NULL"
      " GROUP BY rule ORDER BY n DESC, rule LIMIT 100");
  if (!reasons) return Error{reasons.error()};
  bind_all(*reasons, reason_filter.values);
  for (;;) {
    Result<bool> row = reasons->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    page.reasons.push_back({reasons->column_text(0), reasons->column_int(1)});
  }

  Result<Statement> not_kept = query_db_.prepare(
      "SELECT ip, count(*) AS n FROM submissions WHERE not_kept IS NOT NULL AND created_at >= ?1"
      " AND (?2 = '' OR kind = ?2) GROUP BY ip ORDER BY n DESC, ip LIMIT 10");
  if (!not_kept) return Error{not_kept.error()};
  not_kept->bind(1, query.since).bind(2, query.kind);
  for (;;) {
    Result<bool> row = not_kept->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    page.not_kept.push_back({not_kept->column_text(0), not_kept->column_int(1)});
  }
  return page;
}

Result<std::optional<ReviewDecision>> SubmissionLog::decide(const std::string& id, const std::string& decision,
                                                            int64_t now) {
  if (decision != "ham" && decision != "spam") return Error{"decision must be ham or spam"};
  std::lock_guard lock(query_mutex_);
  Result<Transaction> tx = Transaction::begin(query_db_);
  if (!tx) return Error{tx.error()};
  Result<Statement> find = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns +
                                             " FROM submissions WHERE id = ?1 AND content IS NOT NULL"
                                             " AND action IN ('hold', 'reject', 'discard')");
  if (!find) return Error{find.error()};
  find->bind(1, id);
  Result<std::vector<SubmissionRecord>> found = read_rows(*find);
  if (!found) return Error{found.error()};
  if (found->empty()) return std::optional<ReviewDecision>();
  ReviewDecision result{std::move(found->front()), std::nullopt};
  result.previous = result.record.decision;
  Result<Statement> update = query_db_.prepare("UPDATE submissions SET decision = ?2, decided_at = ?3 WHERE id = ?1");
  if (!update) return Error{update.error()};
  update->bind(1, id).bind(2, decision).bind(3, now);
  if (Result<bool> done = update->step(); !done) return Error{done.error()};
  if (Status committed = tx->commit(); !committed) return Error{committed.error()};
  result.record.decision = decision;
  result.record.decided_at = now;
  return std::optional<ReviewDecision>(std::move(result));
}

Result<bool> SubmissionLog::claim_delivery(const std::string& id, int64_t now) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st =
      query_db_.prepare("UPDATE submissions SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL");
  if (!st) return Error{st.error()};
  st->bind(1, id).bind(2, now);
  if (Result<bool> done = st->step(); !done) return Error{done.error()};
  return query_db_.changes() == 1;
}

Status SubmissionLog::release_delivery(const std::string& id) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare("UPDATE submissions SET delivered_at = NULL WHERE id = ?1");
  if (!st) return Error{st.error()};
  st->bind(1, id);
  if (Result<bool> done = st->step(); !done) return Error{done.error()};
  return Status::success();
}

Result<std::vector<SubmissionRecord>> SubmissionLog::by_email(const std::string& email, int limit) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns +
                                           " FROM submissions WHERE content IS NOT NULL AND " + kEmailMatches +
                                           " ORDER BY created_at DESC, rowid DESC LIMIT ?2");
  if (!st) return Error{st.error()};
  st->bind(1, email).bind(2, std::clamp(limit, 1, 10000));
  return read_rows(*st);
}

Result<std::vector<SubmissionRecord>> SubmissionLog::with_text_since(int64_t since) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns +
                                           " FROM submissions WHERE created_at >= ?1 AND content IS NOT NULL"
                                           " ORDER BY created_at, rowid");
  if (!st) return Error{st.error()};
  st->bind(1, since);
  return read_rows(*st);
}

Result<int64_t> SubmissionLog::erase_email(const std::string& email, int64_t created_until) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(
      std::string("DELETE FROM submissions WHERE content IS NOT NULL AND created_at <= ?2 AND ") + kEmailMatches);
  if (!st) return Error{st.error()};
  st->bind(1, email).bind(2, created_until);
  if (Result<bool> done = st->step(); !done) return Error{done.error()};
  return query_db_.changes();
}

Result<std::vector<std::string>> SubmissionLog::emails() {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(
      "SELECT DISTINCT json_extract(content, '$.email') FROM submissions"
      " WHERE content IS NOT NULL AND json_valid(content) AND json_extract(content, '$.email') <> ''");
  if (!st) return Error{st.error()};
  return column_texts(*st);
}

}  // namespace spamgate

// SubmissionLog's read side: recent rows, one row, and the dashboard stats.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "store/submission_log.h"
#include "store/submission_rows.h"

namespace spamgate {

const char* const kSubmissionColumns =
    "id, created_at, endpoint, kind, ip, action, score, rules, hits, content, user_agent, decision, decided_at";

SubmissionRecord read_submission_row(const Statement& st) {
  SubmissionRecord r;
  r.id = st.column_text(0);
  r.created_at = st.column_int(1);
  r.endpoint = st.column_text(2);
  r.kind = st.column_text(3);
  r.ip = st.column_text(4);
  r.action = st.column_text(5);
  r.score = st.column_double(6);
  r.rules = st.column_text(7);
  r.hits = st.column_text(8);
  r.content = st.column_optional_text(9);
  r.user_agent = st.column_text(10);
  r.decision = st.column_optional_text(11);
  if (!st.column_is_null(12)) r.decided_at = st.column_int(12);
  return r;
}

namespace {

// "YYYY-MM-DD" of the UTC day that starts at `day_start` (unix seconds).
std::string utc_date(int64_t day_start) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day_start / 86400}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace

void to_json(nlohmann::json& out, const DayCounts& d) {
  out = {{"date", d.date}, {"pass", d.pass}, {"hold", d.hold}, {"reject", d.reject}, {"discard", d.discard}};
}

void to_json(nlohmann::json& out, const RuleCount& count) { out = {{"rule", count.rule}, {"hits", count.hits}}; }

void to_json(nlohmann::json& out, const SubmissionStats& stats) {
  out = {{"days", stats.days}, {"top_rules", stats.top_rules}};
}

Result<std::vector<SubmissionRecord>> SubmissionLog::recent(int limit) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns +
                                           " FROM submissions ORDER BY created_at DESC, rowid DESC LIMIT ?1");
  if (!st) return Error{st.error()};
  st->bind(1, limit);
  std::vector<SubmissionRecord> rows;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) return rows;
    rows.push_back(read_submission_row(*st));
  }
}

Result<std::optional<SubmissionRecord>> SubmissionLog::find(const std::string& id) {
  std::lock_guard lock(query_mutex_);
  Result<Statement> st = query_db_.prepare(std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE id = ?1");
  if (!st) return Error{st.error()};
  st->bind(1, id);
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  if (!*row) return std::optional<SubmissionRecord>();
  return std::optional<SubmissionRecord>(read_submission_row(*st));
}

Result<SubmissionStats> SubmissionLog::stats(int days, int top) {
  days = std::clamp(days, 1, 366);
  top = std::clamp(top, 0, 100);
  int64_t today = unix_seconds(clock_.now()) / 86400 * 86400;
  int64_t since = today - int64_t{days - 1} * 86400;
  SubmissionStats stats;
  std::map<std::string, size_t> index;  // date -> position in stats.days
  for (int64_t day = since; day <= today; day += 86400) {
    index[utc_date(day)] = stats.days.size();
    stats.days.push_back({utc_date(day)});
  }

  std::lock_guard lock(query_mutex_);
  Result<Statement> counts = query_db_.prepare(
      "SELECT date(created_at, 'unixepoch'), action, count(*) FROM submissions WHERE created_at >= ?1"
      " GROUP BY 1, 2");
  if (!counts) return Error{counts.error()};
  counts->bind(1, since);
  for (;;) {
    Result<bool> row = counts->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    auto it = index.find(counts->column_text(0));
    if (it == index.end()) continue;  // a row from the future (clock moved back)
    DayCounts& d = stats.days[it->second];
    std::string action = counts->column_text(1);
    int64_t n = counts->column_int(2);
    if (action == "pass") d.pass += n;
    else if (action == "hold") d.hold += n;
    else if (action == "reject") d.reject += n;
    else if (action == "discard") d.discard += n;
  }

  Result<Statement> rules = query_db_.prepare(
      "SELECT json_extract(h.value, '$.rule') AS rule, count(*) AS n"
      " FROM submissions AS s, json_each(s.hits) AS h"
      " WHERE s.created_at >= ?1 AND json_valid(s.hits) AND rule IS NOT NULL"
      " GROUP BY rule ORDER BY n DESC, rule LIMIT ?2");
  if (!rules) return Error{rules.error()};
  rules->bind(1, since).bind(2, top);
  for (;;) {
    Result<bool> row = rules->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    stats.top_rules.push_back({rules->column_text(0), rules->column_int(1)});
  }
  return stats;
}

}  // namespace spamgate

#include "store/feedback_log.h"

#include <nlohmann/json.hpp>

#include "store/migrations.h"

namespace spamgate {

bool valid_feedback_decision(const std::string& decision) {
  return decision == "spam" || decision == "ham" || decision == "approve";
}

std::string FeedbackRecord::to_json() const {
  nlohmann::json out = {{"id", id},         {"created_at", created_at}, {"submission_id", submission_id},
                        {"decision", decision}, {"author", author},     {"email", email},
                        {"url", url},       {"ip", ip},                 {"body", body},
                        {"source", source}};
  out["comment_id"] = comment_id ? nlohmann::json(*comment_id) : nlohmann::json(nullptr);
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::unique_ptr<FeedbackLog>> FeedbackLog::open(const std::string& path) {
  Result<Database> db = open_store(path);
  if (!db) return Error{db.error()};
  return std::unique_ptr<FeedbackLog>(new FeedbackLog(std::move(*db)));
}

Result<int64_t> FeedbackLog::record(const FeedbackRecord& f) {
  if (!valid_feedback_decision(f.decision))
    return Error{"feedback decision must be spam, ham or approve, not \"" + f.decision.substr(0, 20) + "\""};
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(
      "INSERT INTO feedback (created_at, submission_id, comment_id, decision, author, email, url, ip, body, source)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) return Error{st.error()};
  st->bind(1, f.created_at).bind(2, f.submission_id);
  if (f.comment_id) st->bind(3, *f.comment_id);
  else st->bind_null(3);
  st->bind(4, f.decision).bind(5, f.author).bind(6, f.email).bind(7, f.url).bind(8, f.ip).bind(9, f.body);
  st->bind(10, f.source);
  if (Status run = st->run(); !run) return Error{run.error()};
  return db_.last_insert_rowid();
}

Result<std::vector<FeedbackRecord>> FeedbackLog::recent(int limit) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(
      "SELECT id, created_at, submission_id, comment_id, decision, author, email, url, ip, body, source"
      " FROM feedback ORDER BY created_at DESC, id DESC LIMIT ?1");
  if (!st) return Error{st.error()};
  st->bind(1, limit);
  std::vector<FeedbackRecord> rows;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) return rows;
    FeedbackRecord f;
    f.id = st->column_int(0);
    f.created_at = st->column_int(1);
    f.submission_id = st->column_text(2);
    if (!st->column_is_null(3)) f.comment_id = st->column_int(3);
    f.decision = st->column_text(4);
    f.author = st->column_text(5);
    f.email = st->column_text(6);
    f.url = st->column_text(7);
    f.ip = st->column_text(8);
    f.body = st->column_text(9);
    f.source = st->column_text(10);
    rows.push_back(std::move(f));
  }
}

}  // namespace spamgate

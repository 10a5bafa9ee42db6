#include "store/feedback_log.h"

#include <map>

#include <nlohmann/json.hpp>

#include "store/column_texts.h"
#include "store/migrations.h"
#include "util/json_text.h"

namespace spamgate {

bool valid_feedback_decision(const std::string& decision) {
  return decision == "spam" || decision == "ham" || decision == "approve";
}

bool valid_feedback_kind(const std::string& kind) { return kind == "comment" || kind == "contact" || kind == "form"; }

void to_json(nlohmann::json& out, const FeedbackRecord& f) {
  out = {{"id", f.id},         {"created_at", f.created_at}, {"submission_id", f.submission_id},
         {"kind", f.kind},     {"subject", f.subject},
         {"decision", f.decision}, {"author", f.author},     {"email", f.email},
         {"url", f.url},       {"ip", f.ip},                 {"body", f.body},
         {"source", f.source}};
  out["comment_id"] = f.comment_id ? nlohmann::json(*f.comment_id) : nlohmann::json(nullptr);
}

std::string FeedbackRecord::to_json() const { return json_text(*this); }

Result<FeedbackRecord> FeedbackRecord::from_json(const std::string& text) {
  return feedback_record_from_json(parse_json_or_discarded(text));
}

Result<FeedbackRecord> feedback_record_from_json(const nlohmann::json& in) {
  if (!in.is_object()) return Error{"a feedback record must be a JSON object"};
  const auto integer = [&](const char* name) -> std::optional<int64_t> {
    const auto it = in.find(name);
    if (it == in.end() || !it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return it->get<int64_t>();
  };
  if (in.contains("created_at") && !integer("created_at"))
    return Error{"a feedback record's created_at is not a whole number"};
  FeedbackRecord f;
  f.created_at = integer("created_at").value_or(0);
  f.comment_id = integer("comment_id");
  const std::pair<const char*, std::string*> texts[] = {
      {"submission_id", &f.submission_id}, {"decision", &f.decision}, {"author", &f.author}, {"email", &f.email},
      {"url", &f.url}, {"ip", &f.ip}, {"body", &f.body}, {"kind", &f.kind}, {"subject", &f.subject},
      {"source", &f.source}};
  for (const auto& [name, field] : texts) {
    const auto it = in.find(name);
    if (it == in.end() || it->is_null()) continue;
    if (!it->is_string()) return Error{std::string("a feedback record's ") + name + " is not a string"};
    *field = it->get<std::string>();
  }
  return f;
}

Submission FeedbackRecord::submission() const {
  Submission s;
  s.kind = kind_of_name(kind);
  s.author = author;
  s.email = email;
  s.url = url;
  s.subject = subject;
  s.body = body;
  s.ip = ip;
  return s;
}

std::string FeedbackRecord::key() const {
  if (comment_id) return "c:" + std::to_string(*comment_id);
  if (!submission_id.empty()) return "s:" + submission_id;
  return "";
}

namespace {

constexpr const char* kColumns =
    "id, created_at, submission_id, comment_id, decision, author, email, url, ip, body, source, kind, subject";

FeedbackRecord read_row(const Statement& st) {
  FeedbackRecord f;
  f.id = st.column_int(0);
  f.created_at = st.column_int(1);
  f.submission_id = st.column_text(2);
  if (!st.column_is_null(3)) f.comment_id = st.column_int(3);
  f.decision = st.column_text(4);
  f.author = st.column_text(5);
  f.email = st.column_text(6);
  f.url = st.column_text(7);
  f.ip = st.column_text(8);
  f.body = st.column_text(9);
  f.source = st.column_text(10);
  f.kind = st.column_text(11);
  f.subject = st.column_text(12);
  return f;
}

Result<std::vector<FeedbackRecord>> read_rows(Statement& st) {
  std::vector<FeedbackRecord> rows;
  for (;;) {
    Result<bool> row = st.step();
    if (!row) return Error{row.error()};
    if (!*row) return rows;
    rows.push_back(read_row(st));
  }
}

Status insert(Database& db, const FeedbackRecord& f) {
  if (!valid_feedback_decision(f.decision))
    return Error{"feedback decision must be spam, ham or approve, not \"" + f.decision.substr(0, 20) + "\""};
  if (!valid_feedback_kind(f.kind)) return Error{"feedback kind must be comment, contact or form"};
  Result<Statement> st = db.prepare(
      "INSERT INTO feedback (created_at, submission_id, comment_id, decision, author, email, url, ip, body, source,"
      " kind, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!st) return Error{st.error()};
  st->bind(1, f.created_at).bind(2, f.submission_id);
  if (f.comment_id) st->bind(3, *f.comment_id);
  else st->bind_null(3);
  st->bind(4, f.decision).bind(5, f.author).bind(6, f.email).bind(7, f.url).bind(8, f.ip).bind(9, f.body);
  st->bind(10, f.source).bind(11, f.kind).bind(12, f.subject);
  return st->run();
}

// True when an earlier decision has the same key as `f`.
Result<bool> has_earlier(Database& db, const FeedbackRecord& f) {
  if (f.key().empty()) return false;
  Result<Statement> st = f.comment_id
      ? db.prepare("SELECT 1 FROM feedback WHERE comment_id = ?1 LIMIT 1")
      : db.prepare("SELECT 1 FROM feedback WHERE comment_id IS NULL AND submission_id = ?1 LIMIT 1");
  if (!st) return Error{st.error()};
  if (f.comment_id) st->bind(1, *f.comment_id);
  else st->bind(1, f.submission_id);
  return st->step();
}

// True when the log already holds `f` or better: on a keyed decision, the
// one in effect on its key (the latest row) is as new or newer; on a
// keyless one, the same decision (time, verdict, kind and text) is here.
Result<bool> holds_as_new(Database& db, const FeedbackRecord& f) {
  Result<Statement> st = f.comment_id
      ? db.prepare("SELECT created_at >= ?2 FROM feedback WHERE comment_id = ?1 ORDER BY id DESC LIMIT 1")
      : !f.submission_id.empty()
      ? db.prepare("SELECT created_at >= ?2 FROM feedback WHERE comment_id IS NULL AND submission_id = ?1"
                   " ORDER BY id DESC LIMIT 1")
      : db.prepare("SELECT 1 FROM feedback WHERE comment_id IS NULL AND submission_id = '' AND created_at = ?2"
                   " AND decision = ?3 AND kind = ?4 AND author = ?5 AND email = ?6 AND subject = ?7 AND body = ?8"
                   " LIMIT 1");
  if (!st) return Error{st.error()};
  if (f.comment_id) st->bind(1, *f.comment_id);
  else st->bind(1, f.submission_id);
  st->bind(2, f.created_at);
  if (f.key().empty()) st->bind(3, f.decision).bind(4, f.kind).bind(5, f.author).bind(6, f.email).bind(7, f.subject).bind(8, f.body);
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return *row && st->column_int(0) == 1;
}

}  // namespace

Result<std::unique_ptr<FeedbackLog>> FeedbackLog::open(const std::string& path) {
  Result<Database> db = open_store(path);
  if (!db) return Error{db.error()};
  return std::unique_ptr<FeedbackLog>(new FeedbackLog(std::move(*db)));
}

Result<int64_t> FeedbackLog::record(const FeedbackRecord& f) {
  std::lock_guard lock(mutex_);
  if (Status st = insert(db_, f); !st) return Error{st.error()};
  return db_.last_insert_rowid();
}

Result<int64_t> FeedbackLog::record_all(const std::vector<FeedbackRecord>& decisions) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  int64_t replaced = 0;
  for (const FeedbackRecord& f : decisions) {
    Result<bool> earlier = has_earlier(db_, f);
    if (!earlier) return Error{earlier.error()};
    replaced += *earlier;
    if (Status st = insert(db_, f); !st) return Error{st.error()};
  }
  if (Status st = tx->commit(); !st) return Error{st.error()};
  return replaced;
}

Result<std::vector<FeedbackRecord>> FeedbackLog::merge_all(const std::vector<FeedbackRecord>& decisions) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  std::vector<FeedbackRecord> added;
  for (const FeedbackRecord& f : decisions) {
    Result<bool> held = holds_as_new(db_, f);
    if (!held) return Error{held.error()};
    if (*held) continue;
    if (Status st = insert(db_, f); !st) return Error{st.error()};
    added.push_back(f);
  }
  if (Status st = tx->commit(); !st) return Error{st.error()};
  return added;
}

Status FeedbackLog::replace_all(const std::vector<FeedbackRecord>& decisions) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  // The newest row goes last, so new rows get higher ids and the log's
  // signature (count / newest id) changes even when the count does not.
  Result<Statement> newest = db_.prepare("SELECT coalesce(max(id), 0) FROM feedback");
  if (!newest) return Error{newest.error()};
  Result<bool> row = newest->step();
  if (!row) return Error{row.error()};
  const int64_t newest_id = newest->column_int(0);
  if (Status st = db_.exec("DELETE FROM feedback WHERE id < " + std::to_string(newest_id)); !st) return st;
  for (const FeedbackRecord& f : decisions)
    if (Status st = insert(db_, f); !st) return st;
  if (Status st = db_.exec("DELETE FROM feedback WHERE id = " + std::to_string(newest_id)); !st) return st;
  return tx->commit();
}

namespace {

// The decisions in effect among `rows` (oldest first): for each key only the latest.
std::vector<FeedbackRecord> in_effect(std::vector<FeedbackRecord> rows) {
  std::map<std::string, size_t> latest;  // key -> index of its latest decision
  for (size_t i = 0; i < rows.size(); ++i)
    if (std::string key = rows[i].key(); !key.empty()) latest[key] = i;
  std::vector<FeedbackRecord> effective;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string key = rows[i].key();
    if (key.empty() || latest[key] == i) effective.push_back(std::move(rows[i]));
  }
  return effective;
}

Result<std::vector<FeedbackRecord>> rows_after(Database& db, int64_t id) {
  Result<Statement> st = db.prepare(std::string("SELECT ") + kColumns + " FROM feedback WHERE id > ?1 ORDER BY id");
  if (!st) return Error{st.error()};
  st->bind(1, id);
  return read_rows(*st);
}

Result<LogMark> read_mark(Database& db) {
  Result<Statement> st = db.prepare("SELECT count(*), coalesce(max(id), 0) FROM feedback");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return LogMark{st->column_int(0), st->column_int(1)};
}

// Runs `read` inside one read transaction, so that what it reads in several
// statements is one state of the log even while other processes write.
template <typename T, typename Read>
Result<T> in_one_read(Database& db, Read read) {
  if (Status begun = db.exec("BEGIN"); !begun) return Error{begun.error()};
  Result<T> result = read();
  (void)db.exec("COMMIT");
  return result;
}

}  // namespace

Result<std::vector<FeedbackRecord>> FeedbackLog::labels() {
  std::lock_guard lock(mutex_);
  Result<std::vector<FeedbackRecord>> rows = rows_after(db_, 0);
  if (!rows) return rows;
  return in_effect(std::move(*rows));
}

Result<MarkedLabels> FeedbackLog::marked_labels() {
  Result<LogDelta> all = added_after(0);
  if (!all) return Error{all.error()};
  return MarkedLabels{in_effect(std::move(all->added)), all->mark};
}

Result<LogDelta> FeedbackLog::added_after(int64_t id) {
  std::lock_guard lock(mutex_);
  return in_one_read<LogDelta>(db_, [this, id]() -> Result<LogDelta> {
    Result<std::vector<FeedbackRecord>> rows = rows_after(db_, id);
    if (!rows) return Error{rows.error()};
    Result<LogMark> mark = read_mark(db_);
    if (!mark) return Error{mark.error()};
    return LogDelta{std::move(*rows), *mark};
  });
}

Result<int64_t> FeedbackLog::forget(const std::string& id) {
  return delete_where("submission_id = ?1 OR CAST(id AS TEXT) = ?1 OR CAST(comment_id AS TEXT) = ?1", id);
}

Result<int64_t> FeedbackLog::forget_site_key(const std::string& id) {
  return delete_where("submission_id = ?1 OR CAST(comment_id AS TEXT) = ?1", id);
}

Result<int64_t> FeedbackLog::delete_where(const char* condition, const std::string& id) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(std::string("DELETE FROM feedback WHERE ") + condition);
  if (!st) return Error{st.error()};
  st->bind(1, id);
  if (Status run = st->run(); !run) return Error{run.error()};
  return db_.changes();
}

Result<bool> FeedbackLog::is_row_id_only(const std::string& id) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(
      "SELECT EXISTS (SELECT 1 FROM feedback WHERE CAST(id AS TEXT) = ?1) AND NOT EXISTS (SELECT 1 FROM feedback "
      "WHERE submission_id = ?1 OR CAST(comment_id AS TEXT) = ?1)");
  if (!st) return Error{st.error()};
  st->bind(1, id);
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return *row && st->column_int(0) == 1;
}

Result<std::vector<FeedbackRecord>> FeedbackLog::recent(int limit) {
  std::lock_guard lock(mutex_);
  Result<Statement> st =
      db_.prepare(std::string("SELECT ") + kColumns + " FROM feedback ORDER BY created_at DESC, id DESC LIMIT ?1");
  if (!st) return Error{st.error()};
  st->bind(1, limit);
  return read_rows(*st);
}

Result<std::vector<FeedbackRecord>> FeedbackLog::by_email(const std::string& email, int limit) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(std::string("SELECT ") + kColumns +
                                     " FROM feedback WHERE email = ?1 COLLATE NOCASE ORDER BY created_at DESC, id DESC"
                                     " LIMIT ?2");
  if (!st) return Error{st.error()};
  st->bind(1, email).bind(2, limit);
  return read_rows(*st);
}

Result<int64_t> FeedbackLog::forget_email(const std::string& email, int64_t made_until) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("DELETE FROM feedback WHERE email = ?1 COLLATE NOCASE AND created_at <= ?2");
  if (!st) return Error{st.error()};
  st->bind(1, email).bind(2, made_until);
  if (Status run = st->run(); !run) return Error{run.error()};
  return db_.changes();
}

Result<std::vector<std::string>> FeedbackLog::emails() {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT DISTINCT email FROM feedback WHERE email <> ''");
  if (!st) return Error{st.error()};
  return column_texts(*st);
}

}  // namespace spamgate

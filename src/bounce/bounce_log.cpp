#include "bounce/bounce_log.h"

#include "store/migrations.h"

namespace spamgate {
namespace {

constexpr const char* kColumns =
    "id, received_at, kind, origin, outbox_id, recipient, status, diagnostic, original_message_id, original_from,"
    " original_subject, reporting_mta, report_from, report_subject, evidence";

BounceRow read_row(const Statement& st) {
  BounceRow r;
  r.id = st.column_int(0);
  r.received_at = st.column_int(1);
  r.kind = st.column_text(2);
  r.origin = st.column_text(3);
  if (!st.column_is_null(4)) r.outbox_id = st.column_int(4);
  r.recipient = st.column_text(5);
  r.status = st.column_text(6);
  r.diagnostic = st.column_text(7);
  r.original_message_id = st.column_text(8);
  r.original_from = st.column_text(9);
  r.original_subject = st.column_text(10);
  r.reporting_mta = st.column_text(11);
  r.report_from = st.column_text(12);
  r.report_subject = st.column_text(13);
  r.evidence = st.column_text(14);
  return r;
}

Result<int64_t> single_int(Statement& st) {
  Result<bool> row = st.step();
  if (!row) return Error{row.error()};
  return *row ? st.column_int(0) : 0;
}

}  // namespace

Result<std::unique_ptr<BounceLog>> BounceLog::open(const std::string& path) {
  Result<Database> db = open_store(path);
  if (!db) return Error{path + ": " + db.error()};
  return std::unique_ptr<BounceLog>(new BounceLog(std::move(*db)));
}

Result<bool> BounceLog::seen(const std::string& digest) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT count(*) FROM bounces WHERE digest = ?1");
  if (!st) return Error{st.error()};
  st->bind(1, digest);
  Result<int64_t> n = single_int(*st);
  if (!n) return Error{n.error()};
  return *n > 0;
}

Result<BounceRow> BounceLog::record(const BounceReport& report, const std::string& digest, int64_t now,
                                    const std::string& evidence) {
  std::lock_guard lock(mutex_);
  BounceRow row;
  row.received_at = now;
  row.kind = report.kind == MessageKind::complaint ? "complaint" : "bounce";
  if (!report.recipients.empty()) {
    const FailedRecipient& first = report.recipients.front();
    for (const FailedRecipient& r : report.recipients) row.recipient += (row.recipient.empty() ? "" : ", ") + r.address;
    row.status = first.status;
    row.diagnostic = first.diagnostic;
  }
  row.original_message_id = report.original_message_id;
  row.original_from = report.original_from;
  row.original_subject = report.original_subject;
  row.reporting_mta = report.reporting_mta;
  row.report_from = report.from;
  row.report_subject = report.subject;

  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  row.origin = "unknown";
  if (!row.original_message_id.empty()) {
    Result<Statement> find = db_.prepare("SELECT id FROM outbox WHERE message_id = ?1 ORDER BY id LIMIT 1");
    if (!find) return Error{find.error()};
    find->bind(1, row.original_message_id);
    Result<bool> found = find->step();
    if (!found) return Error{found.error()};
    if (*found) row.outbox_id = find->column_int(0);
    row.origin = row.outbox_id ? "own" : "foreign";
    if (!row.outbox_id && shared_ != nullptr) {
      Result<RedisReply> other = shared_->run({"EXISTS", shared_->key("sent:" + row.original_message_id)});
      if (!other) row.origin = "unknown";
      else if (other->integer == 1) row.origin = "own";
    }
  }
  if (row.origin == "foreign") row.evidence = evidence;
  if (row.outbox_id) {
    Result<Statement> mark = db_.prepare("UPDATE outbox SET bounced_at = ?2, bounce_diagnostic = ?3 WHERE id = ?1");
    if (!mark) return Error{mark.error()};
    mark->bind(1, *row.outbox_id).bind(2, now).bind(3, (row.status.empty() ? "" : row.status + " ") + row.diagnostic);
    if (Status st = mark->run(); !st) return Error{st.error()};
  }
  Result<Statement> insert = db_.prepare(
      "INSERT INTO bounces (received_at, digest, kind, origin, outbox_id, recipient, status, diagnostic,"
      " original_message_id, original_from, original_subject, reporting_mta, report_from, report_subject, evidence)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!insert) return Error{insert.error()};
  insert->bind(1, now).bind(2, digest).bind(3, row.kind).bind(4, row.origin);
  if (row.outbox_id) insert->bind(5, *row.outbox_id);
  else insert->bind_null(5);
  insert->bind(6, row.recipient).bind(7, row.status).bind(8, row.diagnostic).bind(9, row.original_message_id);
  insert->bind(10, row.original_from).bind(11, row.original_subject).bind(12, row.reporting_mta);
  insert->bind(13, row.report_from).bind(14, row.report_subject).bind(15, row.evidence);
  if (Status st = insert->run(); !st) return Error{st.error()};
  row.id = db_.last_insert_rowid();
  if (Status committed = tx->commit(); !committed) return Error{committed.error()};
  return row;
}

Result<std::vector<BounceRow>> BounceLog::recent(int limit) {
  std::lock_guard lock(mutex_);
  Result<Statement> st =
      db_.prepare(std::string("SELECT ") + kColumns + " FROM bounces ORDER BY received_at DESC, id DESC LIMIT ?1");
  if (!st) return Error{st.error()};
  st->bind(1, limit);
  std::vector<BounceRow> rows;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) return rows;
    rows.push_back(read_row(*st));
  }
}

Result<int64_t> BounceLog::count(const std::string& origin, int64_t since) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT count(*) FROM bounces WHERE origin = ?1 AND received_at >= ?2");
  if (!st) return Error{st.error()};
  st->bind(1, origin).bind(2, since);
  return single_int(*st);
}

Result<int64_t> BounceLog::count_forged(int64_t since) {
  std::lock_guard lock(mutex_);
  Result<Statement> st =
      db_.prepare("SELECT count(*) FROM bounces WHERE origin = 'foreign' AND evidence = '' AND received_at >= ?1");
  if (!st) return Error{st.error()};
  st->bind(1, since);
  return single_int(*st);
}

Result<int64_t> BounceLog::own_bounces_to(const std::string& address, int64_t since) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(
      "SELECT count(*) FROM bounces WHERE origin = 'own' AND received_at >= ?2"
      " AND instr(', ' || lower(recipient) || ',', ', ' || lower(?1) || ',') > 0");
  if (!st) return Error{st.error()};
  st->bind(1, address).bind(2, since);
  return single_int(*st);
}

Result<std::string> BounceLog::state(const std::string& key) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT value FROM bounce_state WHERE key = ?1");
  if (!st) return Error{st.error()};
  st->bind(1, key);
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return *row ? st->column_text(0) : std::string();
}

Status BounceLog::set_state(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(
      "INSERT INTO bounce_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!st) return Error{st.error()};
  st->bind(1, key).bind(2, value);
  return st->run();
}

}  // namespace spamgate

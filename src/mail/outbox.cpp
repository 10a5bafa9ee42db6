#include "mail/outbox.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "store/migrations.h"
#include "util/json_text.h"

namespace spamgate {
namespace {

constexpr int kSentIdDays = 30;  // bounces come back within days; a month covers late ones

// The Message-ID header's value without angle brackets ("" when absent):
// the composer always writes one, and bounce watch matches reports by it.
std::string message_id_header(const std::string& data) {
  const size_t head_end = data.find("\r\n\r\n");
  const size_t at = data.find("\r\nMessage-ID: <");
  if (at == std::string::npos || at > head_end) return "";
  const size_t start = at + 15;
  const size_t end = data.find('>', start);
  return end == std::string::npos ? "" : data.substr(start, end - start);
}

constexpr std::array<const char*, 5> kKindNames = {"notification", "contact", "digest", "alert", "test"};
constexpr std::array<const char*, 6> kStatusNames = {"queued", "sending", "sent", "failed", "held", "folded"};

constexpr const char* kColumns =
    "id, created_at, kind, recipients, envelope_from, subject, preview, data, status, attempts, "
    "next_attempt_at, last_reply, sent_at, digest_id";
constexpr const char* kColumnsWithoutData =
    "id, created_at, kind, recipients, envelope_from, subject, preview, '', status, attempts, "
    "next_attempt_at, last_reply, sent_at, digest_id";

OutboxKind parse_kind(const std::string& name) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (name == kKindNames[i]) return static_cast<OutboxKind>(i);
  return OutboxKind::notification;  // the schema's CHECK allows nothing else
}

OutboxRow read_row(const Statement& st) {
  OutboxRow row;
  row.id = st.column_int(0);
  row.created_at = st.column_int(1);
  row.kind = parse_kind(st.column_text(2));
  const nlohmann::json recipients = parse_json_or_discarded(st.column_text(3));
  if (recipients.is_array())
    for (const auto& r : recipients)
      if (r.is_string()) row.message.recipients.push_back(r.get<std::string>());
  row.message.envelope_from = st.column_text(4);
  row.subject = st.column_text(5);
  row.preview = st.column_text(6);
  row.message.data = st.column_text(7);
  row.status = parse_outbox_status(st.column_text(8)).value_or(OutboxStatus::failed);
  row.attempts = static_cast<int>(st.column_int(9));
  row.next_attempt_at = st.column_int(10);
  row.last_reply = st.column_optional_text(11);
  if (!st.column_is_null(12)) row.sent_at = st.column_int(12);
  if (!st.column_is_null(13)) row.digest_id = st.column_int(13);
  return row;
}

// Every row `st` selects (kColumns or kColumnsWithoutData).
Result<std::vector<OutboxRow>> read_rows(Statement& st) {
  std::vector<OutboxRow> rows;
  for (;;) {
    Result<bool> more = st.step();
    if (!more) return Error{"outbox: " + more.error()};
    if (!*more) return rows;
    rows.push_back(read_row(st));
  }
}

Status run(Database& db, const std::string& sql, std::initializer_list<int64_t> ints) {
  Result<Statement> st = db.prepare(sql);
  if (!st) return Error{st.error()};
  int index = 1;
  for (int64_t value : ints) st->bind(index++, value);
  return st->run();
}

}  // namespace

const char* to_string(OutboxKind kind) { return kKindNames[static_cast<size_t>(kind)]; }
const char* to_string(OutboxStatus status) { return kStatusNames[static_cast<size_t>(status)]; }

std::optional<OutboxStatus> parse_outbox_status(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i)
    if (name == kStatusNames[i]) return static_cast<OutboxStatus>(i);
  return std::nullopt;
}

BackoffPolicy BackoffPolicy::from(const MailConfig& mail) {
  return {mail.max_attempts, std::chrono::seconds(mail.backoff_initial_seconds),
          std::chrono::seconds(mail.backoff_max_seconds)};
}

Outbox::Outbox(Database db, const Clock& clock, BackoffPolicy backoff)
    : db_(std::move(db)), clock_(clock), backoff_(backoff), random_(std::random_device{}()) {}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, const Clock& clock, BackoffPolicy backoff) {
  Result<Database> db = open_store(path, DatabaseOptions{Synchronous::full});
  if (!db) return Error{db.error()};
  return std::unique_ptr<Outbox>(new Outbox(std::move(*db), clock, backoff));
}

Result<int64_t> Outbox::insert(OutboxKind kind, const MailMessage& message, const std::string& subject,
                               const std::string& preview) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO outbox (created_at, kind, recipients, envelope_from, subject, preview, data, status, "
      "next_attempt_at, message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?1, ?8)");
  if (!st) return Error{st.error()};
  st->bind(1, unix_seconds(clock_.now()))
      .bind(2, to_string(kind))
      .bind(3, json_text(message.recipients))
      .bind(4, message.envelope_from)
      .bind(5, subject)
      .bind(6, preview)
      .bind(7, message.data)
      .bind(8, message_id_header(message.data));
  if (Status done = st->run(); !done) return Error{"outbox: " + done.error()};
  if (const std::string id = message_id_header(message.data); shared_ != nullptr && !id.empty())
    (void)shared_->run({"SET", shared_->key("sent:" + id), shared_->node(), "EX", std::to_string(kSentIdDays * 86400)});
  return db_.last_insert_rowid();
}

Result<int64_t> Outbox::enqueue(OutboxKind kind, const MailMessage& message, const std::string& subject,
                                const std::string& preview) {
  std::lock_guard lock(mutex_);
  return insert(kind, message, subject, preview);  // autocommit: durable when it returns
}

Result<int64_t> Outbox::record_sent(OutboxKind kind, const MailMessage& message, const std::string& subject,
                                    const std::string& reply) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"outbox: " + tx.error()};
  Result<int64_t> id = insert(kind, message, subject, "");
  if (!id) return id;
  Result<Statement> st =
      db_.prepare("UPDATE outbox SET status = 'sent', attempts = 1, last_reply = ?2, sent_at = ?3 WHERE id = ?1");
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, *id).bind(2, reply).bind(3, unix_seconds(clock_.now()));
  if (Status done = st->run(); !done) return Error{"outbox: " + done.error()};
  if (Status committed = tx->commit(); !committed) return Error{"outbox: " + committed.error()};
  return id;
}

Result<int64_t> Outbox::enqueue_digest(const MailMessage& message, const std::string& subject,
                                       const std::string& preview, int64_t up_to_id) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"outbox: " + tx.error()};
  Result<int64_t> id = insert(OutboxKind::digest, message, subject, preview);
  if (!id) return id;
  if (Status st = run(db_, "UPDATE outbox SET status = 'folded', digest_id = ?1 WHERE status = 'held' AND id <= ?2",
                      {*id, up_to_id});
      !st)
    return Error{"outbox: " + st.error()};
  if (Status st = tx->commit(); !st) return Error{"outbox: " + st.error()};
  return id;
}

Result<int> Outbox::recover_interrupted() {
  std::lock_guard lock(mutex_);
  if (Status st = run(db_, "UPDATE outbox SET status = 'queued', next_attempt_at = ?1 WHERE status = 'sending'",
                      {unix_seconds(clock_.now())});
      !st)
    return Error{"outbox: " + st.error()};
  return static_cast<int>(db_.changes());
}

Result<std::vector<OutboxRow>> Outbox::select_rows(const std::string& tail, std::optional<std::string> status,
                                                   int limit, bool with_data) {
  std::string sql = std::string("SELECT ") + (with_data ? kColumns : kColumnsWithoutData) + " FROM outbox " + tail;
  Result<Statement> st = db_.prepare(sql);
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, static_cast<int64_t>(limit));
  if (status) st->bind(2, *status);
  return read_rows(*st);
}

Result<std::vector<OutboxRow>> Outbox::claim_due(int limit) {
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"outbox: " + tx.error()};
  Result<std::vector<OutboxRow>> rows = select_rows(
      "WHERE status = 'queued' AND next_attempt_at <= " + std::to_string(unix_seconds(clock_.now())) +
          " ORDER BY next_attempt_at, id LIMIT ?1",
      std::nullopt, limit);
  if (!rows) return rows;
  for (OutboxRow& row : *rows) {
    if (Status st = run(db_, "UPDATE outbox SET status = 'sending' WHERE id = ?1", {row.id}); !st)
      return Error{"outbox: " + st.error()};
    row.status = OutboxStatus::sending;
  }
  if (Status st = tx->commit(); !st) return Error{"outbox: " + st.error()};
  return rows;
}

Status Outbox::finish(int64_t id, const char* sql, const std::string& reply) {
  Result<Statement> st = db_.prepare(sql);
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, id).bind(2, reply).bind(3, unix_seconds(clock_.now()));
  if (Status done = st->run(); !done) return Error{"outbox: " + done.error()};
  if (db_.changes() == 0) return Error{"outbox: message " + std::to_string(id) + " is not being sent"};
  return Status::success();
}

Status Outbox::mark_sent(int64_t id, const std::string& reply) {
  std::lock_guard lock(mutex_);
  return finish(id,
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_reply = ?2, sent_at = ?3 "
                "WHERE id = ?1 AND status = 'sending'",
                reply);
}

Status Outbox::mark_permanent_failure(int64_t id, const std::string& reply) {
  std::lock_guard lock(mutex_);
  return finish(id,
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_reply = ?2, "
                "next_attempt_at = ?3 WHERE id = ?1 AND status = 'sending'",
                reply);
}

Result<OutboxStatus> Outbox::mark_temporary_failure(int64_t id, const std::string& reply) {
  std::lock_guard lock(mutex_);
  Result<Statement> read = db_.prepare("SELECT attempts FROM outbox WHERE id = ?1 AND status = 'sending'");
  if (!read) return Error{"outbox: " + read.error()};
  read->bind(1, id);
  Result<bool> found = read->step();
  if (!found) return Error{"outbox: " + found.error()};
  if (!*found) return Error{"outbox: message " + std::to_string(id) + " is not being sent"};
  const int64_t before = read->column_int(0);
  const int64_t now = unix_seconds(clock_.now());
  OutboxStatus next = before + 1 >= backoff_.max_attempts ? OutboxStatus::failed : OutboxStatus::queued;
  const double base = std::min(static_cast<double>(backoff_.max.count()),
                               static_cast<double>(backoff_.initial.count()) * std::ldexp(1.0, static_cast<int>(std::min<int64_t>(before, 40))));
  const double delay = base * std::uniform_real_distribution<double>(0.5, 1.5)(random_);
  Result<Statement> st = db_.prepare(
      "UPDATE outbox SET status = ?2, attempts = attempts + 1, last_reply = ?3, next_attempt_at = ?4 "
      "WHERE id = ?1");
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, id).bind(2, to_string(next)).bind(3, reply).bind(4, now + static_cast<int64_t>(std::llround(delay)));
  if (Status done = st->run(); !done) return Error{"outbox: " + done.error()};
  return next;
}

Status Outbox::mark_held(int64_t id) {
  std::lock_guard lock(mutex_);
  if (Status st = run(db_, "UPDATE outbox SET status = 'held' WHERE id = ?1 AND status = 'sending'", {id}); !st)
    return Error{"outbox: " + st.error()};
  if (db_.changes() == 0) return Error{"outbox: message " + std::to_string(id) + " is not being sent"};
  return Status::success();
}

Status Outbox::defer(int64_t id, TimePoint until) {
  std::lock_guard lock(mutex_);
  if (Status st = run(db_, "UPDATE outbox SET status = 'queued', next_attempt_at = ?2 WHERE id = ?1 AND status = 'sending'",
                      {id, unix_seconds(until)});
      !st)
    return Error{"outbox: " + st.error()};
  if (db_.changes() == 0) return Error{"outbox: message " + std::to_string(id) + " is not being sent"};
  return Status::success();
}

Result<std::vector<OutboxRow>> Outbox::list(std::optional<OutboxStatus> status, int limit) {
  std::lock_guard lock(mutex_);
  if (status)
    return select_rows("WHERE status = ?2 ORDER BY id DESC LIMIT ?1", std::string(to_string(*status)), limit);
  return select_rows("ORDER BY id DESC LIMIT ?1", std::nullopt, limit);
}

Result<Outbox::HeldOverview> Outbox::held_overview(int detail_limit) {
  std::lock_guard lock(mutex_);
  HeldOverview overview;
  Result<Statement> counts = db_.prepare(
      "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(kind = 'notification'), 0), "
      "COALESCE(SUM(kind = 'contact'), 0) FROM outbox WHERE status = 'held'");
  if (!counts) return Error{"outbox: " + counts.error()};
  Result<bool> row = counts->step();
  if (!row) return Error{"outbox: " + row.error()};
  overview.count = counts->column_int(0);
  overview.max_id = counts->column_int(1);
  overview.notifications = counts->column_int(2);
  overview.contacts = counts->column_int(3);
  Result<std::vector<OutboxRow>> first = select_rows(
      "WHERE status = 'held' AND id <= " + std::to_string(overview.max_id) + " ORDER BY id LIMIT ?1", std::nullopt,
      detail_limit, /*with_data=*/false);
  if (!first) return Error{first.error()};
  overview.first = std::move(*first);
  return overview;
}

Result<OutboxRow> Outbox::get(int64_t id) {
  std::lock_guard lock(mutex_);
  Result<std::vector<OutboxRow>> rows = select_rows("WHERE id = " + std::to_string(id) + " LIMIT ?1", std::nullopt, 1);
  if (!rows) return Error{rows.error()};
  if (rows->empty()) return Error{"outbox: no message " + std::to_string(id)};
  return std::move(rows->front());
}

Result<int64_t> Outbox::count(OutboxStatus status) {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT COUNT(*) FROM outbox WHERE status = ?1");
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, to_string(status));
  Result<bool> row = st->step();
  if (!row) return Error{"outbox: " + row.error()};
  return st->column_int(0);
}

Result<std::optional<TimePoint>> Outbox::next_due() {
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued'");
  if (!st) return Error{"outbox: " + st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{"outbox: " + row.error()};
  if (st->column_is_null(0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(TimePoint{std::chrono::seconds(st->column_int(0))});
}

Status Outbox::retry(int64_t id) {
  std::lock_guard lock(mutex_);
  if (Status st = run(db_,
                      "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?2, digest_id = NULL "
                      "WHERE id = ?1 AND status IN ('failed', 'folded')",
                      {id, unix_seconds(clock_.now())});
      !st)
    return Error{"outbox: " + st.error()};
  if (db_.changes() == 0) return Error{"outbox: no failed or folded message " + std::to_string(id)};
  return Status::success();
}

Result<int64_t> Outbox::purge(int older_than_days, bool include_failed) {
  std::lock_guard lock(mutex_);
  const int64_t cutoff = unix_seconds(clock_.now()) - int64_t{older_than_days} * 86400;
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"outbox: " + tx.error()};
  const std::string statuses = include_failed ? "('sent', 'folded', 'failed')" : "('sent', 'folded')";
  if (Status st = run(db_, "DELETE FROM outbox WHERE kind <> 'digest' AND created_at < ?1 AND status IN " + statuses,
                      {cutoff});
      !st)
    return Error{"outbox: " + st.error()};
  int64_t deleted = db_.changes();
  if (Status st = run(db_,
                      "DELETE FROM outbox WHERE kind = 'digest' AND created_at < ?1 AND status IN " + statuses +
                          " AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.digest_id = outbox.id)",
                      {cutoff});
      !st)
    return Error{"outbox: " + st.error()};
  deleted += db_.changes();
  if (Status st = tx->commit(); !st) return Error{"outbox: " + st.error()};
  return deleted;
}

namespace {

constexpr const char* kMentions =
    "(instr(lower(CAST(data AS TEXT)), lower(?1)) > 0 OR instr(lower(subject), lower(?1)) > 0"
    " OR instr(lower(preview), lower(?1)) > 0 OR instr(lower(recipients), lower(?1)) > 0)";

}  // namespace

Result<std::vector<OutboxRow>> Outbox::mentioning(const std::string& text, int limit) {
  if (text.empty()) return std::vector<OutboxRow>{};
  std::lock_guard lock(mutex_);
  Result<Statement> st = db_.prepare(std::string("SELECT ") + kColumns + " FROM outbox WHERE " + kMentions +
                                     " ORDER BY created_at DESC, id DESC LIMIT ?2");
  if (!st) return Error{"outbox: " + st.error()};
  st->bind(1, text).bind(2, static_cast<int64_t>(limit));
  return read_rows(*st);
}

Result<int64_t> Outbox::erase_mentioning(const std::string& text) {
  if (text.empty()) return int64_t{0};
  std::lock_guard lock(mutex_);
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"outbox: " + tx.error()};
  for (const char* sql : {"UPDATE outbox SET digest_id = NULL WHERE digest_id IN (SELECT id FROM outbox WHERE ",
                          "DELETE FROM outbox WHERE ("}) {
    Result<Statement> st = db_.prepare(std::string(sql) + kMentions + ")");
    if (!st) return Error{"outbox: " + st.error()};
    if (Status done = st->bind(1, text).run(); !done) return Error{"outbox: " + done.error()};
  }
  const int64_t erased = db_.changes();
  if (Status st = tx->commit(); !st) return Error{"outbox: " + st.error()};
  return erased;
}

}  // namespace spamgate

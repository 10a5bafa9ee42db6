// SubmissionLog: the queue and the writer thread. Queries are in
// submission_queries.cpp.
#include "store/submission_log.h"

#include <algorithm>
#include <utility>

#include "store/migrations.h"

namespace spamgate {

Result<std::unique_ptr<SubmissionLog>> SubmissionLog::open(const std::string& path, SubmissionLogOptions options,
                                                           const Clock& clock, std::vector<PeriodicTask> tasks) {
  Result<Database> write_db = open_store(path);
  if (!write_db) return Error{write_db.error()};
  Result<Database> query_db = Database::open(path);
  if (!query_db) return Error{query_db.error()};
  Result<int64_t> kept = ReviewBudget::kept_bytes_in(*write_db);
  if (!kept) return Error{path + ": " + kept.error()};
  return std::unique_ptr<SubmissionLog>(new SubmissionLog(std::move(*write_db), std::move(*query_db),
                                                          std::move(options), clock, std::move(tasks), *kept));
}

SubmissionLog::SubmissionLog(Database write_db, Database query_db, SubmissionLogOptions options, const Clock& clock,
                             std::vector<PeriodicTask> tasks, int64_t kept_bytes)
    : options_(std::move(options)),
      clock_(clock),
      write_db_(std::move(write_db)),
      budget_(options_.budget, kept_bytes),
      query_db_(std::move(query_db)),
      next_retention_(clock.now()) {
  TimePoint now = clock.now();
  for (PeriodicTask& task : tasks) {
    TimePoint first_run = now + task.interval;
    tasks_.push_back({std::move(task), first_run});
  }
  writer_ = std::thread([this] { writer_loop(); });
}

SubmissionLog::~SubmissionLog() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_writer_.notify_one();
  writer_.join();
}

bool SubmissionLog::record(SubmissionRecord record) {
  std::unique_lock lock(mutex_);
  if (queue_.size() >= options_.queue_capacity) {
    bool room = false;
    if (options_.full_wait.count() > 0) {
      ++waiting_for_room_;
      wake_writer_.notify_one();
      room = room_.wait_for(lock, options_.full_wait, [&] { return queue_.size() < options_.queue_capacity; });
      --waiting_for_room_;
    }
    if (!room) {
      ++dropped_;
      return false;
    }
  }
  queue_.push_back(std::move(record));
  bool wake = queue_.size() == options_.batch_rows;
  lock.unlock();
  if (wake) wake_writer_.notify_one();
  return true;
}

Status SubmissionLog::flush() {
  std::unique_lock lock(mutex_);
  uint64_t ticket = ++flush_requested_;
  wake_writer_.notify_one();
  cycle_done_.wait(lock, [&] { return flush_completed_ >= ticket; });
  std::string error = std::exchange(pending_error_, {});
  if (!error.empty()) return Error{error};
  return Status::success();
}

uint64_t SubmissionLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void SubmissionLog::register_metrics(MetricRegistry& metrics) const {
  metrics.add_external("spamgate_review_texts_not_kept_total",
                       "Blocked texts not kept for review: over the per-client or total budget, or duplicates",
                       "counter", [this] { return static_cast<double>(not_kept()); });
  metrics.add_external("spamgate_log_rows_dropped_total", "Verdict rows dropped because the write queue was full.",
                       "counter", [this] { return static_cast<double>(dropped()); });
}

uint64_t SubmissionLog::lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

uint64_t SubmissionLog::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void SubmissionLog::note_error(const std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (pending_error_.empty()) pending_error_ = error;
  }
  if (options_.on_error) options_.on_error(error);
}

// One cycle: wait for the interval, a full batch, a flush or shutdown; write
// every queued row in batches; run what maintenance is due; report the
// cycle to flush() callers whose ticket it covers.
void SubmissionLog::writer_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms), [&] {
      return stop_ || queue_.size() >= options_.batch_rows || flush_requested_ > flush_completed_ ||
             waiting_for_room_ > 0;
    });
    uint64_t ticket = flush_requested_;
    bool stopping = stop_;
    while (!queue_.empty()) {
      std::vector<SubmissionRecord> batch;
      size_t n = std::min(queue_.size(), options_.batch_rows);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (waiting_for_room_ > 0) room_.notify_all();
      lock.unlock();
      Status st = write_batch(batch);
      if (!st) note_error("submission log: " + st.error());
      lock.lock();
      (st ? written_ : lost_) += batch.size();
    }
    lock.unlock();
    run_maintenance(stopping);
    lock.lock();
    flush_completed_ = ticket;
    cycle_done_.notify_all();
    if (stopping) return;
  }
}

namespace {

constexpr int kColumns = 12;
// Rows per INSERT statement: one statement per row spent about a fifth of
// the writer's time starting and finishing statements.
constexpr size_t kRowsPerInsert = 16;

std::string insert_sql(size_t rows) {
  std::string sql =
      "INSERT OR IGNORE INTO submissions (id, created_at, endpoint, kind, ip, action, score, rules, hits, content,"
      " user_agent, not_kept) VALUES ";
  for (size_t row = 0; row < rows; ++row) {
    sql += row ? ",(" : "(";
    for (int column = 1; column <= kColumns; ++column) {
      sql += column > 1 ? ",?" : "?";
      sql += std::to_string(row * kColumns + static_cast<size_t>(column));
    }
    sql += ')';
  }
  return sql;
}

void bind_row(Statement& insert, size_t row, const SubmissionRecord& r) {
  const int at = static_cast<int>(row) * kColumns;
  insert.bind(at + 1, r.id).bind(at + 2, r.created_at).bind(at + 3, r.endpoint).bind(at + 4, r.kind);
  insert.bind(at + 5, r.ip).bind(at + 6, r.action).bind(at + 7, r.score).bind(at + 8, r.rules);
  insert.bind(at + 9, r.hits).bind(at + 10, r.content).bind(at + 11, r.user_agent).bind(at + 12, r.not_kept);
}

}  // namespace

Status SubmissionLog::write_batch(std::vector<SubmissionRecord>& rows) {
  for (SubmissionRecord& row : rows) budget_.admit(row);
  Result<Transaction> tx = Transaction::begin(write_db_);
  if (!tx) return Error{tx.error()};
  for (size_t done = 0; done < rows.size();) {
    const size_t n = rows.size() - done >= kRowsPerInsert ? kRowsPerInsert : 1;
    std::optional<Statement>& insert = n == 1 ? insert_one_ : insert_many_;
    if (!insert) {
      Result<Statement> prepared = write_db_.prepare(insert_sql(n));
      if (!prepared) return Error{prepared.error()};
      insert = std::move(*prepared);
    }
    insert->reset();
    for (size_t row = 0; row < n; ++row) bind_row(*insert, row, rows[done + row]);
    if (Status st = insert->run(); !st) return st;
    done += n;
  }
  if (Status committed = tx->commit(); !committed) return committed;
  if (options_.on_committed) options_.on_committed(rows);
  return budget_.enforce(write_db_);
}

// Passed rows older than `cutoff` lose their text ([review] keep_passed_days).
Status SubmissionLog::forget_passed_text(int64_t cutoff) {
  Result<Statement> clear = write_db_.prepare(
      "UPDATE submissions SET content = NULL WHERE action = 'pass' AND content IS NOT NULL AND created_at < ?1");
  if (!clear) return Error{clear.error()};
  return clear->bind(1, cutoff).run();
}

// Retention when due (never at shutdown: it can wait for the next start),
// then every periodic task that is due, or all of them at shutdown.
void SubmissionLog::run_maintenance(bool shutting_down) {
  TimePoint now = clock_.now();
  if (!shutting_down && now >= next_retention_) {
    next_retention_ = now + options_.retention_interval;
    int64_t cutoff = unix_seconds(now) - int64_t{options_.retention_days} * 86400;
    Result<Statement> del = write_db_.prepare("DELETE FROM submissions WHERE created_at < ?1");
    Status st = del ? del->bind(1, cutoff).run() : Status(Error{del.error()});
    if (st && options_.keep_passed_days >= 0)
      st = forget_passed_text(unix_seconds(now) - int64_t{options_.keep_passed_days} * 86400);
    if (st) st = budget_.resync(write_db_);
    if (!st) note_error("retention: " + st.error());
  }
  for (ScheduledTask& scheduled : tasks_) {
    if (!shutting_down && now < scheduled.next_run) continue;
    scheduled.next_run = now + scheduled.task.interval;
    if (Status st = scheduled.task.run(write_db_); !st) note_error(scheduled.task.name + ": " + st.error());
  }
}

}  // namespace spamgate

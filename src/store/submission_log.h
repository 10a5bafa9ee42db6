// SubmissionLog: the record of every scored submission, written behind the
// request: record() only enqueues, one writer thread batches the rows into
// SQLite, applies retention and runs the store's other periodic writes.
// A request thread waits only when the queue is full, and then only until
// the writer makes room or full_wait passes: a busy server's request threads
// can take the CPU the writer needs, and waiting gives it back instead of
// losing rows. Only a row that still finds no room is dropped and counted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "store/database.h"
#include "store/review_budget.h"
#include "store/submission_record.h"
#include "util/clock.h"
#include "util/metric_registry.h"

namespace spamgate {

struct SubmissionLogOptions {
  int retention_days = 30;       // rows older than this are deleted
  int flush_interval_ms = 200;   // the longest a queued row waits for the writer
  size_t queue_capacity = 10000; // beyond this many waiting rows, record() waits for room
  std::chrono::milliseconds full_wait{1000};  // then drops the row when there is still none
  size_t batch_rows = 256;       // the writer starts early when this many wait; rows per transaction
  std::chrono::seconds retention_interval{3600};  // retention runs at start and then this often
  ReviewBudgetOptions budget;    // how much blocked text is kept ([review] keep_*)
  // Passed rows lose their text after this many days ([review]
  // keep_passed_days; 0: at once). -1: retention leaves passed text alone
  // (a command that only reads the log need not know the setting).
  int keep_passed_days = -1;
  // Called on the writer thread with a one-line reason whenever a batch,
  // retention or a periodic task fails (e.g. to write a log line). May be empty.
  std::function<void(const std::string&)> on_error;
  // Called on the writer thread with each batch just committed (blocked
  // rows whose text the review budget did not keep have no content), e.g.
  // to copy the blocked rows elsewhere. It must not wait long: rows queue
  // behind it. May be empty.
  std::function<void(const std::vector<SubmissionRecord>&)> on_committed;
};

// Work the writer thread does on a schedule with its own connection, e.g.
// StoredHistory::persist. Each task runs every `interval` by the log's clock
// and once more when the log shuts down. A failing task is reported through
// on_error and flush(), and retried at its next turn.
struct PeriodicTask {
  std::string name;
  std::chrono::milliseconds interval;
  std::function<Status(Database&)> run;
};

struct DayCounts {
  std::string date;  // "YYYY-MM-DD", UTC
  int64_t pass = 0, hold = 0, reject = 0, discard = 0;
};

struct RuleCount {
  std::string rule;
  int64_t hits = 0;
};

struct SubmissionStats {
  std::vector<DayCounts> days;       // every day of the range, oldest first, zeros included
  std::vector<RuleCount> top_rules;  // most hit first
};

// {"date","pass","hold","reject","discard"}
void to_json(nlohmann::json& out, const DayCounts& day);
// {"rule","hits"}
void to_json(nlohmann::json& out, const RuleCount& count);
// {"days":[DayCounts...],"top_rules":[RuleCount...]} — the shape the
// WordPress plugin's dashboard reads from /spamgate/stats.
void to_json(nlohmann::json& out, const SubmissionStats& stats);

// What the owner's review screen asks for (GET /spamgate/submissions).
enum class ReviewState { undecided, decided, any };

// The longest ReviewQuery::text: its LIKE pattern ("%", every byte escaped,
// "%") stays within SQLite's LIKE pattern limit (50,000 bytes by default).
constexpr size_t kMaxReviewTextBytes = 24999;

struct ReviewQuery {
  std::vector<std::string> actions = {"hold", "reject", "discard"};  // blocked actions only
  std::string kind;                    // "comment" | "contact" | "form"; "" = all
  std::string form_name;               // only this form plugin's ("cf7", a custom form's name); "" = any
  std::string form_id;                 // with form_name: only this form of it (CF7: _wpcf7); "" = any
  std::string rule;                    // only submissions this rule hit; "" = any
  int64_t since = 0;                   // created at or after (unix seconds)
  std::string text;                    // in author, e-mail, URL, subject or body; "" = any; at most kMaxReviewTextBytes
  bool exclude_held_comments = false;  // held comments are already in WordPress's lists
  // Also count blocked submissions whose text the review budget did not
  // keep (the digest's totals); such rows have no text to list.
  bool include_not_kept = false;
  ReviewState state = ReviewState::undecided;
  int page = 1;                        // 1-based
  int per_page = 20;                   // clamped to 1..100
};

struct NotKept {
  std::string ip;
  int64_t count = 0;
};

struct ReviewPage {
  std::vector<SubmissionRecord> items;  // newest first
  // Blocked submissions whose text was not kept (review budget), per
  // client address, most first (at most 10), within the query's kind and since.
  std::vector<NotKept> not_kept;
  int64_t total = 0;                    // matching rows on every page
  std::vector<RuleCount> reasons;       // rules hit by the matches, ignoring ReviewQuery::rule
};

// The outcome of SubmissionLog::decide().
struct ReviewDecision {
  SubmissionRecord record;                // as it is now
  std::optional<std::string> previous;    // the decision it replaced
};

class SubmissionLog {
 public:
  // Opens the store at `path` (migrating it) with two connections: one for
  // the writer thread, one for queries; starts the writer. `clock` must
  // outlive the log. Error: "PATH: reason".
  static Result<std::unique_ptr<SubmissionLog>> open(const std::string& path, SubmissionLogOptions options,
                                                     const Clock& clock, std::vector<PeriodicTask> tasks = {});

  // Writes every queued row, runs every task once, stops the writer.
  // No other call may run concurrently with destruction.
  ~SubmissionLog();

  // Enqueues a row: a short lock, no I/O, unless the queue is full; then it
  // waits up to full_wait for room. Returns false when there was none and
  // the row was dropped (counted in dropped()). Thread-safe.
  bool record(SubmissionRecord record);

  // Blocks until every row recorded before the call is written and every
  // periodic job that is due by the clock has run. Returns the first write
  // error since the previous flush (rows of a failed batch are lost and
  // counted in lost()). For tests, `spamgate` commands and shutdown.
  Status flush();

  uint64_t dropped() const;  // rows refused because the queue was full
  uint64_t lost() const;     // rows of batches that failed to write
  uint64_t written() const;  // rows committed
  // Blocked texts not kept (over the per-client budget, duplicates, or
  // evicted over the total budget) since the log opened.
  uint64_t not_kept() const { return budget_.not_kept(); }
  // not_kept() and dropped() as spamgate_*_total. The log must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

  // Queries on the query connection (thread-safe, serialized). They see
  // only rows already written (call flush() first to see everything).
  // The newest `limit` rows, newest first.
  Result<std::vector<SubmissionRecord>> recent(int limit);
  // The row with request id `id`, or nullopt.
  Result<std::optional<SubmissionRecord>> find(const std::string& id);
  // Counts per UTC day and action over the last `days` days (today
  // included; clamped to 1..366) and the `top` most hit rules (0..100) over
  // the same range.
  Result<SubmissionStats> stats(int days, int top = 10);

  // The owner's review (submission_review.cpp), on the query connection.
  // A page of blocked submissions still within retention that match.
  Result<ReviewPage> review(const ReviewQuery& query);
  // Records `decision` ("ham" | "spam") on blocked submission `id` at `now`;
  // the latest decision stands. nullopt when no blocked submission has that
  // id (never was, or deleted by retention).
  Result<std::optional<ReviewDecision>> decide(const std::string& id, const std::string& decision, int64_t now);
  // Marks a rescued contact message as queued to the owners. True the first
  // time for `id`, false after (so a repeated rescue never mails twice).
  Result<bool> claim_delivery(const std::string& id, int64_t now);
  // Undoes claim_delivery() when the message could not be queued.
  Status release_delivery(const std::string& id);
  // Blocked submissions whose e-mail address is `email` (case-insensitive),
  // newest first, at most `limit`: a commenter's data for a privacy export.
  Result<std::vector<SubmissionRecord>> by_email(const std::string& email, int limit);
  // Every row created at or after `since` (unix seconds) that still has
  // its text (blocked within the review budget, passed within
  // keep_passed_days), oldest first: the history `rules try` scores.
  Result<std::vector<SubmissionRecord>> with_text_since(int64_t since);
  // Deletes every submission whose e-mail address is `email`, of those
  // created at or before `created_until` (unix seconds; by default all).
  // Returns how many.
  Result<int64_t> erase_email(const std::string& email, int64_t created_until = INT64_MAX);
  // Every distinct e-mail address in blocked submissions' content.
  Result<std::vector<std::string>> emails();

 private:
  SubmissionLog(Database write_db, Database query_db, SubmissionLogOptions options, const Clock& clock,
                std::vector<PeriodicTask> tasks, int64_t kept_bytes);
  void writer_loop();
  Status write_batch(std::vector<SubmissionRecord>& rows);
  void run_maintenance(bool shutting_down);
  Status forget_passed_text(int64_t cutoff);
  void note_error(const std::string& error);

  SubmissionLogOptions options_;
  const Clock& clock_;
  Database write_db_;  // writer thread only
  std::optional<Statement> insert_one_, insert_many_;  // writer thread only: prepared on first use
  ReviewBudget budget_;  // writer thread only (its not_kept() count is atomic)

  std::mutex query_mutex_;
  Database query_db_;

  struct ScheduledTask {
    PeriodicTask task;
    TimePoint next_run;
  };
  std::vector<ScheduledTask> tasks_;  // writer thread only
  TimePoint next_retention_;          // writer thread only

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_writer_;
  std::condition_variable cycle_done_;
  std::condition_variable room_;  // the writer took rows from a full queue
  size_t waiting_for_room_ = 0;
  std::deque<SubmissionRecord> queue_;
  uint64_t flush_requested_ = 0;
  uint64_t flush_completed_ = 0;
  bool stop_ = false;
  uint64_t dropped_ = 0;
  uint64_t lost_ = 0;
  uint64_t written_ = 0;
  std::string pending_error_;  // first error since the last flush()

  std::thread writer_;  // last: started after everything above exists
};

}  // namespace spamgate

#include "store/review_budget.h"

#include <vector>

namespace spamgate {
namespace {

// Addresses and bodies remembered per hour; past this many, new ones are
// not tracked (the total budget still bounds what they keep).
constexpr size_t kMaxTracked = 100000;
constexpr int kEvictBatch = 256;

}  // namespace

Result<int64_t> ReviewBudget::kept_bytes_in(Database& db) {
  Result<Statement> st =
      db.prepare("SELECT coalesce(sum(length(CAST(content AS BLOB))), 0) FROM submissions WHERE content IS NOT NULL");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return *row ? st->column_int(0) : int64_t{0};
}

Status ReviewBudget::resync(Database& db) {
  Result<int64_t> kept = kept_bytes_in(db);
  if (!kept) return Error{kept.error()};
  kept_bytes_ = *kept;
  return Status::success();
}

bool ReviewBudget::droppable(const SubmissionRecord& row) const {
  return row.content && !row.decision && (row.action == "reject" || row.action == "discard" || row.action == "pass");
}

void ReviewBudget::start_hour(int64_t hour) {
  if (hour == hour_) return;
  hour_ = hour;
  per_client_.clear();
  bodies_.clear();
}

void ReviewBudget::admit(SubmissionRecord& row) {
  if (!droppable(row)) {
    if (row.content) kept_bytes_ += static_cast<int64_t>(row.content->size());
    return;
  }
  start_hour(row.created_at / 3600);
  const char* reason = nullptr;
  auto client = per_client_.find(row.ip);
  if (options_.per_client_hour > 0 && client != per_client_.end() && client->second >= options_.per_client_hour)
    reason = "client";
  else if (row.body_hash != 0 && bodies_.count(row.body_hash) > 0)
    reason = "duplicate";
  if (reason != nullptr) {
    row.content.reset();
    if (row.action == "pass") return;  // passed text is a convenience (rules try), not a review item
    row.not_kept = reason;
    ++not_kept_;
    return;
  }
  if (client != per_client_.end()) ++client->second;
  else if (per_client_.size() < kMaxTracked) per_client_.emplace(row.ip, 1);
  if (row.body_hash != 0 && bodies_.size() < kMaxTracked) bodies_.emplace(row.body_hash, 1);
  kept_bytes_ += static_cast<int64_t>(row.content->size());
}

Status ReviewBudget::enforce(Database& db) {
  if (options_.max_bytes <= 0 || kept_bytes_ <= options_.max_bytes) return Status::success();
  const int64_t target = options_.max_bytes / 10 * 9;
  Result<Statement> oldest = db.prepare(
      "SELECT rowid, length(CAST(content AS BLOB)), action = 'pass' FROM submissions"
      " WHERE action IN ('pass', 'reject', 'discard') AND decision IS NULL AND content IS NOT NULL"
      " ORDER BY action = 'pass' DESC, created_at, rowid LIMIT ?1");
  if (!oldest) return Error{oldest.error()};
  // Passed text goes first and is not a review item: no not_kept mark.
  Result<Statement> evict = db.prepare(
      "UPDATE submissions SET content = NULL, not_kept = CASE WHEN action = 'pass' THEN NULL ELSE 'budget' END"
      " WHERE rowid = ?1");
  if (!evict) return Error{evict.error()};
  while (kept_bytes_ > target) {
    oldest->reset();
    oldest->bind(1, kEvictBatch);
    struct Victim {
      int64_t rowid, bytes;
      bool passed;
    };
    std::vector<Victim> rows;
    for (;;) {
      Result<bool> row = oldest->step();
      if (!row) return Error{row.error()};
      if (!*row) break;
      rows.push_back({oldest->column_int(0), oldest->column_int(1), oldest->column_int(2) != 0});
    }
    if (rows.empty()) break;  // what is left is held, decided or kept mail: never evicted
    Result<Transaction> tx = Transaction::begin(db);
    if (!tx) return Error{tx.error()};
    int64_t remaining = kept_bytes_;
    uint64_t blocked = 0;
    for (size_t done = 0; done < rows.size() && remaining > target; ++done) {
      evict->reset();
      if (Status st = evict->bind(1, rows[done].rowid).run(); !st) return st;
      remaining -= rows[done].bytes;
      if (!rows[done].passed) ++blocked;
    }
    if (Status st = tx->commit(); !st) return st;
    kept_bytes_ = remaining;
    not_kept_ += blocked;
  }
  return Status::success();
}

}  // namespace spamgate

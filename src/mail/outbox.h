// Outbox: the durable queue of outgoing mail in SQLite. A message is
// committed (fsynced: synchronous=FULL) before enqueue returns, and a row is
// never deleted except by an explicit purge. Never sends anything itself.
//
// Status life cycle:
//   queued --claim--> sending --> sent
//                             --> queued (temporary failure, backoff) / failed (attempts used up)
//                             --> failed (permanent failure; kept with the server's reply)
//                             --> held (over a cap) --digest--> folded (digest_id = the digest's row)
//   failed / folded --retry--> queued;  sending --recover (at start)--> queued
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/mail_message.h"
#include "shared/redis_link.h"
#include "store/database.h"
#include "util/clock.h"
#include "util/result.h"

namespace spamgate {

enum class OutboxKind { notification, contact, digest, alert, test };
enum class OutboxStatus { queued, sending, sent, failed, held, folded };

const char* to_string(OutboxKind kind);
const char* to_string(OutboxStatus status);
// Parses a status name ("queued", ...); nullopt when unknown.
std::optional<OutboxStatus> parse_outbox_status(std::string_view name);

// Notifications and contact messages may be held and folded into a digest.
inline bool foldable(OutboxKind kind) { return kind == OutboxKind::notification || kind == OutboxKind::contact; }

struct OutboxRow {
  int64_t id = 0;
  int64_t created_at = 0;  // unix seconds
  OutboxKind kind = OutboxKind::notification;
  MailMessage message;     // envelope and the RFC 5322 bytes
  std::string subject;
  std::string preview;
  OutboxStatus status = OutboxStatus::queued;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<std::string> last_reply;
  std::optional<int64_t> sent_at;
  std::optional<int64_t> digest_id;
};

struct BackoffPolicy {
  int max_attempts = 12;                  // temporary failures before failed
  std::chrono::seconds initial{30};       // delay after the first failure
  std::chrono::seconds max{3600};         // the delay stops doubling here
  static BackoffPolicy from(const MailConfig& mail);
};

class Outbox {
 public:
  // Opens (creating and migrating) the store at `path` with its own
  // connection in synchronous=FULL mode. Does not recover 'sending' rows:
  // the process that will send calls recover_interrupted() once at start.
  // `clock` must outlive the Outbox.
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, const Clock& clock, BackoffPolicy backoff);

  // With shared state: each queued Message-ID is also noted in Redis for
  // 30 days, so the node that runs bounce watch knows a bounce of another
  // node's mail for its own. `redis` must outlive the Outbox.
  void note_message_ids_in(RedisLink& redis) { shared_ = &redis; }

  // Stores `message` as queued and due now; returns its id once committed.
  // Error: the store's reason (nothing was queued).
  Result<int64_t> enqueue(OutboxKind kind, const MailMessage& message, const std::string& subject,
                          const std::string& preview);
  // Records a message sent outside the outbox (`spamgate mail test`) as
  // sent with the server's `reply`, so that bounce watch knows its
  // Message-ID. In one transaction: no sender ever sees it queued.
  Result<int64_t> record_sent(OutboxKind kind, const MailMessage& message, const std::string& subject,
                              const std::string& reply);
  // Stores a digest (queued, due now) and marks every held row with
  // id <= `up_to_id` as folded into it, in one transaction. Returns the
  // digest's id.
  Result<int64_t> enqueue_digest(const MailMessage& message, const std::string& subject, const std::string& preview,
                                 int64_t up_to_id);

  // Puts rows left in 'sending' by a crash back to 'queued', due now (they
  // may have reached the server: at-least-once). Returns how many.
  Result<int> recover_interrupted();
  // Marks up to `limit` queued rows whose next_attempt_at <= now as
  // 'sending' and returns them, oldest due first.
  Result<std::vector<OutboxRow>> claim_due(int limit);

  // The outcome of one attempt on a 'sending' row. `reply` is the server's
  // reply or the transport error (never a secret).
  Status mark_sent(int64_t id, const std::string& reply);
  // attempts+1; queued again after min(max, initial * 2^attempts) * U(0.5, 1.5),
  // or failed once max_attempts attempts have failed. Returns the new status.
  Result<OutboxStatus> mark_temporary_failure(int64_t id, const std::string& reply);
  Status mark_permanent_failure(int64_t id, const std::string& reply);
  // A 'sending' row that caps refused: held (waits for a digest) ...
  Status mark_held(int64_t id);
  // ... or queued again, due at `until`, attempts unchanged.
  Status defer(int64_t id, TimePoint until);

  // Rows with `status` (all when nullopt), newest first, at most `limit`.
  Result<std::vector<OutboxRow>> list(std::optional<OutboxStatus> status, int limit = 100);
  // What is held, for a digest: the count, the highest id, counts per kind,
  // and the oldest `detail_limit` rows (without their message data).
  struct HeldOverview {
    int64_t count = 0;
    int64_t max_id = 0;
    int64_t notifications = 0;
    int64_t contacts = 0;
    std::vector<OutboxRow> first;
  };
  Result<HeldOverview> held_overview(int detail_limit);
  // One row; error when there is no such id.
  Result<OutboxRow> get(int64_t id);
  // Number of rows with `status`.
  Result<int64_t> count(OutboxStatus status);
  // The earliest next_attempt_at among queued rows; nullopt when none.
  Result<std::optional<TimePoint>> next_due();

  // A failed or folded row goes back to queued, due now, attempts reset.
  // Error when the id does not exist or has another status.
  Status retry(int64_t id);
  // Deletes sent and folded rows (and, with `include_failed`, failed ones)
  // created more than `older_than_days` days ago, and digests no longer
  // referenced. Returns the number of rows deleted.
  Result<int64_t> purge(int older_than_days, bool include_failed);

  // Rows whose message, subject, preview or recipients mention `text` (an
  // e-mail address; ASCII case-insensitive), newest first, at most
  // `limit`, with their message: a privacy export. A contact message that
  // passed lives only here.
  Result<std::vector<OutboxRow>> mentioning(const std::string& text, int limit);
  // Deletes those rows, whatever their status (a privacy erasure); rows
  // folded into a deleted digest lose the reference. Returns how many.
  Result<int64_t> erase_mentioning(const std::string& text);

 private:
  Outbox(Database db, const Clock& clock, BackoffPolicy backoff);
  Status finish(int64_t id, const char* sql, const std::string& reply);
  Result<int64_t> insert(OutboxKind kind, const MailMessage& message, const std::string& subject,
                         const std::string& preview);
  Result<std::vector<OutboxRow>> select_rows(const std::string& tail, std::optional<std::string> status, int limit,
                                             bool with_data = true);

  std::mutex mutex_;  // one connection, used by request threads and the sender
  Database db_;
  RedisLink* shared_ = nullptr;
  const Clock& clock_;
  BackoffPolicy backoff_;
  std::mt19937_64 random_;
};

}  // namespace spamgate

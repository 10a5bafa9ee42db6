// BounceLog (thread-safe): the delivery reports bounce watch has read, in the store: each
// once (by digest), matched to the outbox row it reports on (own) or to
// none (foreign: someone else sent as the account, or only forged its
// address, as the row's evidence tells), plus the watch's own
// state (last UID read, last poll and error, last foreign alert).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bounce/bounce_report.h"
#include "shared/redis_link.h"
#include "store/database.h"
#include "util/sha256.h"  // sha256_hex: the digest each report is handled once by

namespace spamgate {

struct BounceRow {
  int64_t id = 0;
  int64_t received_at = 0;
  std::string kind;    // "bounce" | "complaint"
  std::string origin;  // "own" | "foreign" | "unknown" (the report names no original Message-ID)
  std::optional<int64_t> outbox_id;
  std::string recipient, status, diagnostic;
  std::string original_message_id, original_from, original_subject;
  std::string reporting_mta, report_from, report_subject;
  // foreign: what shows the site's own account sent the returned message
  // (own_account_evidence()); "" when nothing does: the address was forged.
  std::string evidence;
  bool forged() const { return origin == "foreign" && evidence.empty(); }
};

class BounceLog {
 public:
  // Opens (and migrates) the store at `path`. Error: "PATH: reason".
  static Result<std::unique_ptr<BounceLog>> open(const std::string& path);

  // True when a report with this digest was recorded already.
  Result<bool> seen(const std::string& digest);
  // Records a bounce or complaint read at `now`: own when an outbox row
  // has its original Message-ID (that row is marked bounced with the
  // diagnostic), foreign when none has, unknown when it names none.
  // With other nodes noted in Redis, a Message-ID another node queued is
  // own too (its row is in that node's outbox), and one Redis cannot
  // answer for is unknown rather than foreign: no alert on a guess.
  // `evidence` is kept on a foreign row (BounceRow::evidence).
  Result<BounceRow> record(const BounceReport& report, const std::string& digest, int64_t now,
                           const std::string& evidence = "");
  // The newest `limit` rows, newest first.
  Result<std::vector<BounceRow>> recent(int limit);
  // Rows of `origin` received at or after `since`.
  Result<int64_t> count(const std::string& origin, int64_t since);
  // Foreign rows without evidence (the site's address forged) since `since`.
  Result<int64_t> count_forged(int64_t since);
  // Own bounces for mail to `address` (case-insensitive) since `since`.
  Result<int64_t> own_bounces_to(const std::string& address, int64_t since);

  // Looks up Message-IDs the other nodes queued (Outbox::note_message_ids_in).
  void recognise_other_nodes(RedisLink& redis) { shared_ = &redis; }

  // The watch's state: a value by key ("" when unset), and setting one.
  Result<std::string> state(const std::string& key);
  Status set_state(const std::string& key, const std::string& value);

 private:
  explicit BounceLog(Database db) : db_(std::move(db)) {}
  std::mutex mutex_;  // serve's poll thread and the stats endpoint share the log
  Database db_;
  RedisLink* shared_ = nullptr;
};

}  // namespace spamgate

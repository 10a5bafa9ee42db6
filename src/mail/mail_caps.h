// MailCaps: token buckets that bound outgoing mail against notification
// storms, persisted in SQLite so a restart never resets them. Decides only;
// it never sends, composes or changes an outbox row.
//
// Buckets (capacity N, refilled continuously at N per period; a new bucket
// starts full): all mail per hour and per day, and each recipient per hour
// and per day. Rules:
// - notification / contact: need a token from every bucket. Refused by an
//   hourly bucket -> held, and folding starts: until the digest time every
//   new one is held too. At the digest time one digest lists what was held
//   and folding goes on for another interval; a digest time with nothing
//   held ends folding. So a storm yields digests, not mails, however the
//   buckets refill meanwhile; and as it goes on, each digest interval is
//   twice the last (60, 120, 240 ... minutes, at most a day).
// - refused by a daily bucket -> over_daily: the worker keeps the message
//   (held, or queued for later) and the owners get one alert per 24 hours.
// - digest: exempt from the hourly buckets, takes one token from the
//   all-mail daily bucket, at most one per digest interval.
// - test: exempt from the hourly buckets, needs the daily ones.
// - alert: exempt from every bucket; at most one per 24 hours.
// With [shared] redis the buckets and the alert's day live in Redis, so the
// caps hold for all nodes together; when Redis does not answer, this node's
// own buckets decide. Each node holds the messages of its own outbox, but
// the site sends one storm digest per interval (shared/site_mail_claims.h):
// a node whose turn it is not keeps holding until the other node's interval
// ends, then asks again.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/outbox.h"
#include "shared/redis_link.h"
#include "shared/shared_buckets.h"
#include "shared/site_mail_claims.h"
#include "store/database.h"
#include "util/clock.h"
#include "util/result.h"

namespace spamgate {

enum class CapVerdict { send, hold, over_daily };

// Whether a storm digest may be written now.
enum class DigestStart {
  write,       // a token was taken: write it
  not_due,     // not folding, or the digest time has not come
  over_daily,  // the daily cap refuses even the digest
  other_node,  // another node has the site's storm digest for this interval: hold on
};

struct CapDecision {
  CapVerdict verdict = CapVerdict::send;
  TimePoint retry_at;  // over_daily: when the refusing daily buckets hold a token again
};

class MailCaps {
 public:
  // Opens the store at `path` (its own connection) and loads the buckets and
  // folding state. `clock` (and `shared`, when given) must outlive the MailCaps.
  static Result<std::unique_ptr<MailCaps>> open(const std::string& path, const MailCapsConfig& config,
                                                const Clock& clock, RedisLink* shared = nullptr);

  // Decides for one notification, contact or test message about to be sent,
  // and takes its tokens when the verdict is send. A digest or alert is
  // admitted through begin_digest() / claim_alert() instead.
  Result<CapDecision> admit(OutboxKind kind, const std::vector<std::string>& recipients);
  // Gives back what admit() took, when the attempt did not deliver.
  Status refund(OutboxKind kind, const std::vector<std::string>& recipients);

  // True while notifications are being held for a digest.
  bool folding() const;
  // True when folding and the digest time has come.
  bool digest_due() const;
  // When a digest is due, the site's turn is this node's and the daily
  // bucket has a token: takes it, sets the next digest time (interval *
  // 2^digests so far in this storm, at most a day) and says write. When
  // another node has the turn, the next digest time is when its turn ends.
  Result<DigestStart> begin_digest();
  // Ends folding (a digest time came and nothing was held).
  Status end_folding();
  // When the next digest may go (the digest time, or later when the daily
  // bucket is empty); nullopt when not folding.
  std::optional<TimePoint> next_digest_at() const;

  // True, once per 24 hours, when an alert should go to the owners; records it.
  Result<bool> claim_alert();
  // Re-reads the buckets and fold state from the store, for a process that
  // has just become the sender (another one may have spent tokens).
  Status reload();

 private:
  struct Bucket {
    double tokens = 0;
    double updated_at = 0;  // unix seconds
  };
  struct Need {
    std::string key;
    double capacity;
    double per_second;
  };

  MailCaps(Database db, const MailCapsConfig& config, const Clock& clock, RedisLink* shared)
      : db_(std::move(db)), config_(config), clock_(clock), shared_(shared) {
    if (shared != nullptr) site_ = std::make_unique<SiteMailClaims>(*shared);
  }
  Status load();
  std::vector<Need> needs(OutboxKind kind, const std::vector<std::string>& recipients, bool daily_only_for_all) const;
  Bucket& refilled(const Need& need, double now);
  Status save(const std::string& key, const Bucket& bucket);
  Status save_state(const std::string& key, int64_t value);
  struct Taken {
    bool ok = false;  // a token was taken from every bucket
    bool hourly_refused = false;
    bool daily_refused = false;
    double wait_seconds = 0;  // until every refusing daily bucket has a token
  };
  Result<Taken> take(const std::vector<Need>& needs, double now);
  // The same decision from the shared buckets; nullopt when Redis did not answer.
  std::optional<Taken> take_shared(const std::vector<Need>& needs, double now);
  // `needs` as the Redis buckets all nodes share.
  std::vector<SharedBucket> shared_buckets(const std::vector<Need>& needs) const;

  mutable std::mutex mutex_;
  Database db_;
  MailCapsConfig config_;
  const Clock& clock_;
  RedisLink* shared_;  // null: this node's buckets only
  std::unique_ptr<SiteMailClaims> site_;  // null: this node's storm digests only
  std::map<std::string, Bucket> buckets_;
  int64_t fold_until_ = 0;     // unix seconds; 0 = not folding
  int fold_streak_ = 0;        // digests written since folding started
  int64_t last_alert_at_ = 0;  // unix seconds; 0 = never
};

}  // namespace spamgate

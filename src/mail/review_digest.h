// ReviewDigest: the owner's digest of what spamgate blocked (review.digest
// = "daily" | "weekly"): counts by action, the top reasons, the held and
// rejected items, and where to review them; bounces of mail others sent
// with the site's address forged, with SPF/DKIM/DMARC advice. Queued through the Notifier to
// mail.owners only (never a submitter), so the outbox's caps apply; at most
// one per period, across restarts and processes sharing the store. With
// [shared] redis one node mails the site's digest each period: every node
// offers what it blocked (shared/site_mail_claims.h) and the digest sums the
// parts. When Redis does not answer, each node mails its own digest (the
// subject names the node) rather than none.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "shared/site_mail_claims.h"
#include "store/database.h"
#include "store/submission_log.h"
#include "util/clock.h"
#include "util/metric_registry.h"

namespace spamgate {

class Notifier;

// How many held and rejected items a digest lists one by one; the rest are counted.
inline constexpr int kReviewDigestItems = 50;

struct ReviewDigestText {
  std::string subject;
  std::string body;
};

// The digest for blocked submissions since `since` up to `until` (unix
// seconds). Pure: `counts` are the held, rejected and discarded totals;
// `items` the newest held and rejected ones; `more` how many of those
// were not listed.
struct ReviewDigestInput {
  int64_t since = 0, until = 0;
  int64_t held = 0, rejected = 0, discarded = 0;
  int64_t comments = 0, contact = 0, forms = 0;  // the same blocked submissions by kind
  std::vector<RuleCount> reasons;
  std::vector<SubmissionRecord> items;
  int64_t more = 0;
  int64_t forged_bounces = 0;  // bounces of mail others sent with the site's address forged
  std::vector<std::string> nodes;  // the site's digest: the nodes whose parts it sums (empty: this node's own)
};
ReviewDigestText review_digest_text(const Config& config, const ReviewDigestInput& input);

class ReviewDigest {
 public:
  // Opens its own connection to the store at `path` (already migrated).
  // `config`, `log`, `notifier`, `clock` and `shared` (null without
  // [shared] redis) must outlive it.
  static Result<std::unique_ptr<ReviewDigest>> open(const std::string& path, const Config& config, SubmissionLog& log,
                                                    Notifier& notifier, const Clock& clock,
                                                    RedisLink* shared = nullptr);

  // Queues the digest when one is due: review.digest is on and no digest
  // was queued within the period. A period with nothing blocked and no
  // forged bounces is marked done without mail. Returns true when a digest
  // was queued.
  Result<bool> send_if_due();
  // How often send_if_due() ran (metric spamgate_review_digest_checks_total).
  uint64_t checks() const { return checks_.load(std::memory_order_relaxed); }
  // checks() as spamgate_review_digest_checks_total. The digest must outlive `metrics`.
  void register_metrics(MetricRegistry& metrics) const;

  // How the digest counts forged bounces since a time (BounceLog::count_forged
  // when bounce watch is on; none otherwise).
  void count_forged_bounces_with(std::function<Result<int64_t>(int64_t since)> count) {
    count_forged_bounces_ = std::move(count);
  }

 private:
  ReviewDigest(Database db, const Config& config, SubmissionLog& log, Notifier& notifier, const Clock& clock,
               RedisLink* shared)
      : db_(std::move(db)), config_(config), log_(log), notifier_(notifier), clock_(clock) {
    if (shared != nullptr) site_ = std::make_unique<SiteMailClaims>(*shared);
  }
  // The site's digest through Redis: true when this node queued it;
  // nullopt when Redis did not answer (`why` says what failed).
  Result<std::optional<bool>> send_site_digest(int64_t now, int64_t period, std::string& why);
  // This node's own digest, claimed in its store.
  Result<bool> send_own_digest(int64_t now, int64_t period);
  Status queue(const ReviewDigestInput& input);
  // mail_state's review_digest_at: this node's last digest, or where its
  // part of the site's digest last ended (0 = none).
  Result<int64_t> last_digest_at();
  Status set_last_digest_at(int64_t at);
  // Claims the period: the previous digest's time (0 = none) when one is
  // due, and marks now as the latest digest; nullopt when none is due.
  Result<std::optional<int64_t>> claim(int64_t now, int64_t period);
  Status unclaim(int64_t previous);
  Result<ReviewDigestInput> gather(int64_t since, int64_t until);

  Database db_;
  const Config& config_;
  SubmissionLog& log_;
  Notifier& notifier_;
  const Clock& clock_;
  std::function<Result<int64_t>(int64_t since)> count_forged_bounces_;
  std::unique_ptr<SiteMailClaims> site_;  // null: this node's digest only
  bool own_digest_logged_ = false;        // the fall back to this node's digest was logged (once per outage)
  std::atomic<uint64_t> checks_{0};
};

}  // namespace spamgate

// ReviewDigest: the owner's digest of what spamgate blocked (review.digest
// = "daily" | "weekly"): counts by action, the top reasons, the held and
// rejected items, and where to review them. Queued through the Notifier to
// mail.owners only (never a submitter), so the outbox's caps apply; at most
// one per period, across restarts and processes sharing the store. With
// [shared] redis each node digests its own blocked submissions, and the
// subject names the node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/config.h"
#include "store/database.h"
#include "store/submission_log.h"
#include "util/clock.h"

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
};
ReviewDigestText review_digest_text(const Config& config, const ReviewDigestInput& input);

class ReviewDigest {
 public:
  // Opens its own connection to the store at `path` (already migrated).
  // `config`, `log`, `notifier` and `clock` must outlive it.
  static Result<std::unique_ptr<ReviewDigest>> open(const std::string& path, const Config& config, SubmissionLog& log,
                                                    Notifier& notifier, const Clock& clock);

  // Queues the digest when one is due: review.digest is on and no digest
  // was queued within the period. A period with nothing blocked is marked
  // done without mail. Returns true when a digest was queued.
  Result<bool> send_if_due();

 private:
  ReviewDigest(Database db, const Config& config, SubmissionLog& log, Notifier& notifier, const Clock& clock)
      : db_(std::move(db)), config_(config), log_(log), notifier_(notifier), clock_(clock) {}
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
};

}  // namespace spamgate

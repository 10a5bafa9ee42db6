#include "mail/review_digest.h"

#include <algorithm>

#include "mail/mail_reports.h"
#include "mail/notifier.h"
#include "mail/review_digest_part.h"
#include "shared/redis_config.h"
#include "util/logfmt.h"
#include "util/time_format.h"

namespace spamgate {
namespace {

constexpr const char* kStateKey = "review_digest_at";

std::string when(int64_t unix_seconds) { return format_utc(unix_seconds, "%Y-%m-%d %H:%M UTC"); }

std::string padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

const char* action_label(const std::string& action) {
  return action == "hold" ? "held" : action == "reject" ? "rejected" : "discarded";
}

bool blocked_nothing(const ReviewDigestInput& in) { return in.held + in.rejected + in.discarded + in.forged_bounces == 0; }

int64_t period_seconds(DigestPeriod period) { return period == DigestPeriod::weekly ? 7 * 86400 : 86400; }

}  // namespace

ReviewDigestText review_digest_text(const Config& config, const ReviewDigestInput& in) {
  const int64_t blocked = in.held + in.rejected + in.discarded;
  ReviewDigestText text;
  // A node's own digest among several (Redis did not answer) says whose it is.
  const std::string node = config.shared.redis.empty() || !in.nodes.empty() ? "" : " on " + node_name(config);
  text.subject = site_tag(config.mail) + " spamgate digest: " + std::to_string(blocked) + " blocked" + node + " since " +
                 when(in.since);
  std::string& b = text.body;
  b = "spamgate blocked " + std::to_string(blocked) + " submissions from " + when(in.since) + " to " + when(in.until) +
      ":\n\n";
  b += "  held       " + std::to_string(in.held) + "\n";
  b += "  rejected   " + std::to_string(in.rejected) + "\n";
  b += "  discarded  " + std::to_string(in.discarded) + "\n\n";
  if (!in.nodes.empty()) {
    b += "Counted on every node that answered:";
    for (const std::string& n : in.nodes) b += " " + visible_escapes(n);
    b += "\n\n";
  }
  b += "By kind: " + std::to_string(in.comments) + " comments, " + std::to_string(in.contact) +
       " contact messages, " + std::to_string(in.forms) + " form submissions (CF7 and other form plugins)\n\n";
  if (!in.reasons.empty()) {
    b += "Top reasons:\n";
    for (size_t i = 0; i < in.reasons.size() && i < 10; ++i)
      b += "  " + padded(std::to_string(in.reasons[i].hits), 6) + visible_escapes(in.reasons[i].rule) + "\n";
    b += "\n";
  }
  b += "Review them and rescue what is not spam: ";
  b += config.review.screen_url.empty() ? "WordPress admin, Comments > Blocked by spamgate." : config.review.screen_url;
  b += "\n";
  if (!in.items.empty()) {
    b += "\nHeld and rejected, newest first:\n";
    for (const SubmissionRecord& r : in.items) {
      const SubmissionContent content = read_submission_content(r.content);
      const std::string kind = content.form_name.empty() ? r.kind : r.kind + " (" + content.form_name + ")";
      b += "\n- " + when(r.created_at) + "  " + visible_escapes(kind) + "  " + action_label(r.action) + "  " +
           visible_escapes(content.author) + " <" + visible_escapes(content.email) + ">\n";
      b += "  reasons: " + visible_escapes(r.rules) + "\n";
      if (!content.subject.empty()) b += "  subject: " + visible_escapes(content.subject) + "\n";
      const std::string preview = make_preview(content.body, 2, 120);
      for (size_t start = 0; start < preview.size();) {
        const size_t end = std::min(preview.find('\n', start), preview.size());
        b += "  | " + preview.substr(start, end - start) + "\n";
        start = end + 1;
      }
    }
    if (in.more > 0) b += "\n... and " + std::to_string(in.more) + " more held or rejected.\n";
  }
  if (in.forged_bounces > 0)
    b += "\nBounces of mail spamgate never sent, with no sign it went through your account: " +
         std::to_string(in.forged_bounces) + ".\n" + forged_bounce_advice(config.mail.from_address) + "\n";
  b += "\nThis digest comes at most once a " + std::string(config.review.digest == DigestPeriod::weekly ? "week" : "day") +
       " (review.digest in spamgate.toml).\n";
  return text;
}

void ReviewDigest::register_metrics(MetricRegistry& metrics) const {
  metrics.add_external("spamgate_review_digest_checks_total", "Checks whether a review digest is due.", "counter",
                       [this] { return static_cast<double>(checks()); });
}

Result<std::unique_ptr<ReviewDigest>> ReviewDigest::open(const std::string& path, const Config& config,
                                                         SubmissionLog& log, Notifier& notifier, const Clock& clock,
                                                         RedisLink* shared) {
  Result<Database> db = Database::open(path);
  if (!db) return Error{path + ": " + db.error()};
  return std::unique_ptr<ReviewDigest>(new ReviewDigest(std::move(*db), config, log, notifier, clock, shared));
}

Result<int64_t> ReviewDigest::last_digest_at() {
  Result<Statement> read = db_.prepare("SELECT value FROM mail_state WHERE key = ?1");
  if (!read) return Error{read.error()};
  read->bind(1, kStateKey);
  Result<bool> row = read->step();
  if (!row) return Error{row.error()};
  return *row ? read->column_int(0) : int64_t{0};
}

Status ReviewDigest::set_last_digest_at(int64_t at) {
  Result<Statement> write = db_.prepare(
      "INSERT INTO mail_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!write) return Error{write.error()};
  write->bind(1, kStateKey).bind(2, at);
  return write->run();
}

Result<std::optional<int64_t>> ReviewDigest::claim(int64_t now, int64_t period) {
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  Result<int64_t> previous = last_digest_at();
  if (!previous) return Error{previous.error()};
  if (*previous > 0 && now < *previous + period) return std::optional<int64_t>();
  if (Status st = set_last_digest_at(now); !st) return Error{st.error()};
  if (Status committed = tx->commit(); !committed) return Error{committed.error()};
  return std::optional<int64_t>(*previous);
}

Status ReviewDigest::unclaim(int64_t previous) {
  Result<Statement> st = db_.prepare(previous > 0 ? "UPDATE mail_state SET value = ?2 WHERE key = ?1"
                                                  : "DELETE FROM mail_state WHERE key = ?1");
  if (!st) return Error{st.error()};
  st->bind(1, kStateKey);
  if (previous > 0) st->bind(2, previous);
  return st->run();
}

Result<ReviewDigestInput> ReviewDigest::gather(int64_t since, int64_t until) {
  ReviewDigestInput in;
  in.since = since;
  in.until = until;
  ReviewQuery query;
  query.since = since;
  query.state = ReviewState::any;
  query.per_page = 1;
  query.include_not_kept = true;  // a flood whose text was not kept still counts
  for (auto [action, count] : {std::pair{"hold", &in.held}, {"reject", &in.rejected}, {"discard", &in.discarded}}) {
    query.actions = {action};
    Result<ReviewPage> page = log_.review(query);
    if (!page) return Error{page.error()};
    *count = page->total;
  }
  query.actions = {"hold", "reject", "discard"};
  for (auto [kind, count] : {std::pair{"comment", &in.comments}, {"contact", &in.contact}, {"form", &in.forms}}) {
    query.kind = kind;
    Result<ReviewPage> page = log_.review(query);
    if (!page) return Error{page.error()};
    *count = page->total;
  }
  query.kind.clear();
  query.include_not_kept = false;  // the newest, with their text
  query.actions = {"hold", "reject"};
  query.per_page = kReviewDigestItems;
  Result<ReviewPage> listed = log_.review(query);
  if (!listed) return Error{listed.error()};
  in.items = std::move(listed->items);
  in.more = listed->total - static_cast<int64_t>(in.items.size());
  query.actions = {"hold", "reject", "discard"};
  query.per_page = 1;
  query.include_not_kept = true;  // the reasons of everything blocked
  Result<ReviewPage> all = log_.review(query);
  if (!all) return Error{all.error()};
  in.reasons = std::move(all->reasons);
  if (count_forged_bounces_) {
    Result<int64_t> forged = count_forged_bounces_(since);
    if (!forged) return Error{forged.error()};
    in.forged_bounces = *forged;
  }
  return in;
}

Status ReviewDigest::queue(const ReviewDigestInput& input) {
  const ReviewDigestText text = review_digest_text(config_, input);
  NotifyRequest request;
  request.subject = text.subject;
  request.text = text.body;
  QueueResult queued = notifier_.queue_notification(request);
  if (!queued.ok()) return Error{queued.reason};
  return Status::success();
}

Result<bool> ReviewDigest::send_own_digest(int64_t now, int64_t period) {
  Result<std::optional<int64_t>> previous = claim(now, period);
  if (!previous) return Error{"digest: " + previous.error()};
  if (!*previous) return false;
  const int64_t since = std::max(**previous, now - period);
  if (Status flushed = log_.flush(); !flushed) return Error{"digest: " + flushed.error()};
  Result<ReviewDigestInput> input = gather(since, now);
  if (!input) {
    (void)unclaim(**previous);
    return Error{"digest: " + input.error()};
  }
  if (blocked_nothing(*input)) return false;
  if (Status queued = queue(*input); !queued) {
    (void)unclaim(**previous);
    return Error{"digest: " + queued.error()};
  }
  return true;
}

// Offers what this node blocked since its part was last mailed (at most a
// period back), and mails the site's digest when this node claims the period.
Result<std::optional<bool>> ReviewDigest::send_site_digest(int64_t now, int64_t period, std::string& why) {
  Result<int64_t> last = last_digest_at();
  if (!last) return Error{last.error()};
  if (Status flushed = log_.flush(); !flushed) return Error{flushed.error()};
  Result<ReviewDigestInput> part = gather(std::max(*last, now - period), now);
  if (!part) return Error{part.error()};
  // Every node checks at least once in two checks: each offers its part before the period is claimed.
  const int64_t grace = 2 * int64_t{config_.review.digest_check_seconds} + 1;
  Result<ReviewDigestTurn> turn = site_->review_digest(review_digest_part(*part, node_name(config_)), now, period, grace);
  if (!turn) {
    why = turn.error();
    return std::optional<bool>();
  }
  if (turn->mailed_until && *turn->mailed_until > *last)
    if (Status st = set_last_digest_at(*turn->mailed_until); !st) return Error{st.error()};
  if (!turn->claimed) return std::optional<bool>(false);
  const ReviewDigestInput site = merge_review_digest_parts(turn->parts);
  if (blocked_nothing(site)) return std::optional<bool>(false);
  if (Status queued = queue(site); !queued) return Error{"the site's digest (" + std::to_string(site.nodes.size()) +
                                                         " nodes' parts) was lost: " + queued.error()};
  return std::optional<bool>(true);
}

Result<bool> ReviewDigest::send_if_due() {
  checks_.fetch_add(1, std::memory_order_relaxed);
  if (config_.review.digest == DigestPeriod::off) return false;
  const int64_t period = period_seconds(config_.review.digest);
  const int64_t now = unix_seconds(clock_.now());
  if (site_) {
    std::string why;
    Result<std::optional<bool>> site = send_site_digest(now, period, why);
    if (!site) return Error{"digest: " + site.error()};
    if (*site) {
      own_digest_logged_ = false;
      return **site;
    }
    if (!own_digest_logged_)
      LogLine("warn").add("msg", "Redis does not answer: this node mails its own review digest").add("error", why).write();
    own_digest_logged_ = true;
  }
  return send_own_digest(now, period);
}

}  // namespace spamgate

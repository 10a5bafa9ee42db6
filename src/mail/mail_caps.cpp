#include "mail/mail_caps.h"

#include <algorithm>

#include "shared/shared_buckets.h"
#include "store/migrations.h"

namespace spamgate {
namespace {

constexpr double kHour = 3600;
constexpr double kDay = 86400;

double seconds_of(TimePoint t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

TimePoint point_of(double seconds) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(seconds))};
}

bool is_daily(const std::string& key) { return key.find("/day") != std::string::npos; }

}  // namespace

Result<std::unique_ptr<MailCaps>> MailCaps::open(const std::string& path, const MailCapsConfig& config,
                                                 const Clock& clock, RedisLink* shared) {
  Result<Database> db = open_store(path);
  if (!db) return Error{db.error()};
  std::unique_ptr<MailCaps> caps(new MailCaps(std::move(*db), config, clock, shared));
  if (Status st = caps->load(); !st) return Error{"mail caps: " + st.error()};
  return caps;
}

Status MailCaps::reload() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
  return load();
}

Status MailCaps::load() {
  Result<Statement> st = db_.prepare("SELECT bucket, tokens, updated_at FROM mail_caps");
  if (!st) return Error{st.error()};
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    buckets_[st->column_text(0)] = Bucket{st->column_double(1), st->column_double(2)};
  }
  Result<Statement> state = db_.prepare("SELECT key, value FROM mail_state");
  if (!state) return Error{state.error()};
  for (;;) {
    Result<bool> row = state->step();
    if (!row) return Error{row.error()};
    if (!*row) return Status::success();
    const std::string key = state->column_text(0);
    if (key == "fold_until") fold_until_ = state->column_int(1);
    if (key == "last_alert_at") last_alert_at_ = state->column_int(1);
    if (key == "fold_streak") fold_streak_ = static_cast<int>(state->column_int(1));
  }
}

std::vector<MailCaps::Need> MailCaps::needs(OutboxKind kind, const std::vector<std::string>& recipients,
                                            bool daily_only_for_all) const {
  const auto need = [](std::string key, int per, double period) {
    return Need{std::move(key), static_cast<double>(per), per / period};
  };
  std::vector<Need> out;
  const bool hourly = foldable(kind);
  if (hourly) out.push_back(need("all/hour", config_.per_hour, kHour));
  out.push_back(need("all/day", config_.per_day, kDay));
  if (daily_only_for_all) return out;
  for (const std::string& r : recipients) {
    if (hourly) out.push_back(need("rcpt/hour/" + r, config_.per_recipient_hour, kHour));
    out.push_back(need("rcpt/day/" + r, config_.per_recipient_day, kDay));
  }
  return out;
}

MailCaps::Bucket& MailCaps::refilled(const Need& need, double now) {
  auto [it, fresh] = buckets_.try_emplace(need.key, Bucket{need.capacity, now});
  Bucket& b = it->second;
  if (!fresh && now > b.updated_at) b.tokens += (now - b.updated_at) * need.per_second;
  b.tokens = std::min(b.tokens, need.capacity);
  b.updated_at = std::max(b.updated_at, now);
  return b;
}

Status MailCaps::save(const std::string& key, const Bucket& bucket) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO mail_caps (bucket, tokens, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at");
  if (!st) return Error{st.error()};
  st->bind(1, key).bind(2, bucket.tokens).bind(3, bucket.updated_at);
  return st->run();
}

Status MailCaps::save_state(const std::string& key, int64_t value) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO mail_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!st) return Error{st.error()};
  st->bind(1, key).bind(2, value);
  return st->run();
}

std::vector<SharedBucket> MailCaps::shared_buckets(const std::vector<Need>& needs) const {
  std::vector<SharedBucket> buckets;
  for (const Need& need : needs) buckets.push_back({shared_->key("caps:" + need.key), need.capacity, need.per_second});
  return buckets;
}

std::optional<MailCaps::Taken> MailCaps::take_shared(const std::vector<Need>& needs, double now) {
  Result<SharedTake> shared = take_shared_tokens(*shared_, shared_buckets(needs), now);
  if (!shared) return std::nullopt;
  Taken taken;
  taken.ok = shared->taken;
  for (size_t i = 0; !taken.ok && i < needs.size(); ++i) {
    if (shared->tokens[i] >= 1) continue;
    if (!is_daily(needs[i].key)) {
      taken.hourly_refused = true;
      continue;
    }
    taken.daily_refused = true;
    const double wait = needs[i].per_second > 0 ? (1 - shared->tokens[i]) / needs[i].per_second : kDay;
    taken.wait_seconds = std::max(taken.wait_seconds, wait);
  }
  return taken;
}

// Takes one token from every bucket of `needs`, or from none, and says
// which kind of bucket refused.
Result<MailCaps::Taken> MailCaps::take(const std::vector<Need>& needs, double now) {
  if (shared_ != nullptr)
    if (std::optional<Taken> shared = take_shared(needs, now)) return *shared;
  Taken taken;
  for (const Need& need : needs) {
    Bucket& b = refilled(need, now);
    if (b.tokens >= 1) continue;
    if (!is_daily(need.key)) {
      taken.hourly_refused = true;
      continue;
    }
    taken.daily_refused = true;
    const double wait = need.per_second > 0 ? (1 - b.tokens) / need.per_second : kDay;
    taken.wait_seconds = std::max(taken.wait_seconds, wait);
  }
  if (taken.hourly_refused || taken.daily_refused) return taken;
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{tx.error()};
  for (const Need& need : needs) {
    Bucket& b = buckets_[need.key];
    b.tokens -= 1;
    if (Status st = save(need.key, b); !st) return Error{st.error()};
  }
  if (Status st = tx->commit(); !st) return Error{st.error()};
  taken.ok = true;
  return taken;
}

Result<CapDecision> MailCaps::admit(OutboxKind kind, const std::vector<std::string>& recipients) {
  std::lock_guard lock(mutex_);
  const double now = seconds_of(clock_.now());
  if (foldable(kind) && fold_until_ != 0) return CapDecision{CapVerdict::hold, {}};
  Result<Taken> taken = take(needs(kind, recipients, false), now);
  if (!taken) return Error{"mail caps: " + taken.error()};
  if (taken->ok) return CapDecision{CapVerdict::send, {}};
  if (foldable(kind)) {  // held messages wait for a digest: start folding
    fold_until_ = static_cast<int64_t>(now) + int64_t{config_.digest_interval_minutes} * 60;
    if (Status st = save_state("fold_until", fold_until_); !st) return Error{"mail caps: " + st.error()};
  }
  if (taken->daily_refused) return CapDecision{CapVerdict::over_daily, point_of(now + taken->wait_seconds)};
  return CapDecision{CapVerdict::hold, {}};
}

Status MailCaps::refund(OutboxKind kind, const std::vector<std::string>& recipients) {
  std::lock_guard lock(mutex_);
  const double now = seconds_of(clock_.now());
  if (shared_ != nullptr) {
    if (refund_shared_tokens(*shared_, shared_buckets(needs(kind, recipients, false)), now)) return Status::success();
  }
  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx) return Error{"mail caps: " + tx.error()};
  for (const Need& need : needs(kind, recipients, false)) {
    Bucket& b = refilled(need, now);
    b.tokens = std::min(b.tokens + 1, need.capacity);
    if (Status st = save(need.key, b); !st) return Error{"mail caps: " + st.error()};
  }
  return tx->commit();
}

bool MailCaps::folding() const {
  std::lock_guard lock(mutex_);
  return fold_until_ != 0;
}

bool MailCaps::digest_due() const {
  std::lock_guard lock(mutex_);
  return fold_until_ != 0 && unix_seconds(clock_.now()) >= fold_until_;
}

Result<DigestStart> MailCaps::begin_digest() {
  std::lock_guard lock(mutex_);
  const double now = seconds_of(clock_.now());
  if (fold_until_ == 0 || now < static_cast<double>(fold_until_)) return DigestStart::not_due;
  // A storm that goes on gets quieter digests: each interval twice the last, at most a day.
  const int64_t interval = std::min<int64_t>(int64_t{config_.digest_interval_minutes} * 60 << std::min(fold_streak_ + 1, 10),
                                             static_cast<int64_t>(kDay));
  if (site_ != nullptr) {  // Redis not answering: this node writes its own
    Result<std::optional<std::chrono::milliseconds>> busy = site_->storm_digest(std::chrono::seconds(interval));
    if (busy && *busy) {
      fold_until_ = static_cast<int64_t>(now) + (**busy + std::chrono::milliseconds(999)) / std::chrono::seconds(1);
      if (Status st = save_state("fold_until", fold_until_); !st) return Error{"mail caps: " + st.error()};
      return DigestStart::other_node;
    }
  }
  Result<Taken> taken = take(needs(OutboxKind::digest, {}, true), now);
  if (!taken) return Error{"mail caps: " + taken.error()};
  if (!taken->ok) return DigestStart::over_daily;
  fold_until_ = static_cast<int64_t>(now) + interval;
  ++fold_streak_;
  if (Status st = save_state("fold_until", fold_until_); !st) return Error{"mail caps: " + st.error()};
  if (Status st = save_state("fold_streak", fold_streak_); !st) return Error{"mail caps: " + st.error()};
  return DigestStart::write;
}

Status MailCaps::end_folding() {
  std::lock_guard lock(mutex_);
  fold_until_ = 0;
  fold_streak_ = 0;
  if (Status st = save_state("fold_streak", 0); !st) return st;
  return save_state("fold_until", 0);
}

std::optional<TimePoint> MailCaps::next_digest_at() const {
  std::lock_guard lock(mutex_);
  if (fold_until_ == 0) return std::nullopt;
  double at = static_cast<double>(fold_until_);
  const Need day = needs(OutboxKind::digest, {}, true).front();
  auto it = buckets_.find(day.key);
  if (it != buckets_.end()) {
    const double now = seconds_of(clock_.now());
    const double tokens = std::min(day.capacity, it->second.tokens + std::max(0.0, now - it->second.updated_at) * day.per_second);
    if (tokens < 1) at = std::max(at, now + (day.per_second > 0 ? (1 - tokens) / day.per_second : kDay));
  }
  return point_of(at);
}

Result<bool> MailCaps::claim_alert() {
  std::lock_guard lock(mutex_);
  const int64_t now = unix_seconds(clock_.now());
  if (shared_ != nullptr) {  // one alert a day for all nodes: the first to set the key sends it
    Result<RedisReply> set = shared_->run({"SET", shared_->key("caps:alert"), std::to_string(now), "NX", "EX",
                                           std::to_string(static_cast<int64_t>(kDay))});
    if (set) return !set->is_nil();
  }
  if (last_alert_at_ != 0 && now - last_alert_at_ < static_cast<int64_t>(kDay)) return false;
  if (Status st = save_state("last_alert_at", now); !st) return Error{"mail caps: " + st.error()};
  last_alert_at_ = now;
  return true;
}

}  // namespace spamgate

#include "shared/review_mirror.h"

#include <algorithm>
#include <charconv>

#include "shared/erased_addresses.h"
#include "shared/review_mirror_codec.h"
#include "shared/review_mirror_scripts.h"
#include "util/ascii.h"
#include "util/logfmt.h"

namespace spamgate {
namespace {

bool is_array(const RedisReply& reply, size_t at_least) {
  return reply.type == RedisReply::Type::array && reply.elements.size() >= at_least;
}

std::optional<int64_t> to_int64(const std::string& text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The segments (review_mirror_scripts.h) whose rows match `query` when it
// filters by nothing but the decision state and held comments.
std::vector<std::string> whole_segments(const ReviewQuery& query) {
  std::vector<std::string> segments;
  for (char listed : std::string(query.exclude_held_comments ? "L" : "LH"))
    for (char decided : std::string("UD"))
      if (query.state == ReviewState::any || (decided == 'U') == (query.state == ReviewState::undecided))
        segments.push_back({listed, decided});
  return segments;
}

}  // namespace

ReviewMirror::ReviewMirror(RedisLink& redis, ReviewMirrorOptions options) : redis_(redis), options_(options) {}

void ReviewMirror::offer(const std::vector<SubmissionRecord>& rows) {
  std::vector<std::string> encoded;
  for (const SubmissionRecord& row : rows)
    if (row.content && is_blocked_action(row.action)) encoded.push_back(encode_mirrored_submission(row, redis_.node()));
  if (encoded.empty()) return;
  std::lock_guard lock(pending_mutex_);
  for (std::string& row : encoded) pending_rows_.push_back(std::move(row));
  trim_pending();
}

void ReviewMirror::trim_pending() {
  while (pending_rows_.size() + pending_decisions_.size() > options_.pending_budget) {
    const bool row = !pending_rows_.empty();
    if (row) pending_rows_.pop_front();
    else pending_decisions_.pop_front();
    InFlight& sending = row ? rows_sending_ : decisions_sending_;
    if (sending.queued > 0) {  // on its way to Redis: its send says whether it was dropped
      --sending.queued;
      ++sending.trimmed;
    } else {
      dropped_.fetch_add(1);
    }
  }
}

void ReviewMirror::settle_sending(bool rows, bool sent) {
  InFlight& sending = rows ? rows_sending_ : decisions_sending_;
  if (!sent) dropped_.fetch_add(sending.trimmed);
  else if (rows) pending_rows_.erase(pending_rows_.begin(), pending_rows_.begin() + static_cast<std::ptrdiff_t>(sending.queued));
  else if (sending.queued > 0) pending_decisions_.pop_front();
  sending = {};
}

uint64_t ReviewMirror::pending() const {
  std::lock_guard lock(pending_mutex_);
  return pending_rows_.size() + pending_decisions_.size();
}

Status ReviewMirror::push(int64_t now) {
  if (Status copied = copy_own_rows_if_missing(now); !copied) return copied;
  if (Status rows = push_rows(now); !rows) return rows;
  return push_decisions();
}

void ReviewMirror::copy_own_rows_from(OwnRows own_rows) {
  std::lock_guard lock(pending_mutex_);
  own_rows_ = std::move(own_rows);
}

Status ReviewMirror::copy_own_rows_if_missing(int64_t now) {
  OwnRows own_rows;
  {
    std::lock_guard lock(pending_mutex_);
    own_rows = own_rows_;
  }
  if (!own_rows) return Status::success();
  const std::string marker = prefix() + "node:" + redis_.node();
  Result<RedisReply> missing = redis_.run({"SET", marker, std::to_string(now), "NX"});
  if (!missing) return Error{"review mirror: " + missing.error()};
  if (missing->type != RedisReply::Type::status) return Status::success();  // nil: the rows are there
  Result<std::vector<SubmissionRecord>> rows = own_rows(now - retention_seconds());
  std::vector<std::string> encoded;
  if (rows)
    for (const SubmissionRecord& row : *rows)
      if (row.content && is_blocked_action(row.action)) encoded.push_back(encode_mirrored_submission(row, redis_.node()));
  Status sent = rows ? send_rows(encoded, now) : Status(Error{"review mirror: this node's rows: " + rows.error()});
  if (!sent) (void)redis_.run({"DEL", marker});  // copied again next time
  else if (!encoded.empty())
    LogLine().add("msg", "copied this node's blocked submissions to the review mirror").add("rows", encoded.size()).write();
  return sent;
}

Status ReviewMirror::send_rows(const std::vector<std::string>& rows, int64_t now) {
  for (size_t from = 0; from < rows.size(); from += options_.rows_per_call) {
    std::vector<std::string> args = {prefix(), std::to_string(now), std::to_string(retention_seconds())};
    const size_t to = std::min(rows.size(), from + options_.rows_per_call);
    args.insert(args.end(), rows.begin() + static_cast<std::ptrdiff_t>(from), rows.begin() + static_cast<std::ptrdiff_t>(to));
    Result<RedisReply> reply = redis_.eval(kMirrorRows, {erased_addresses_key(redis_)}, args);
    if (!reply) return Error{"review mirror: " + reply.error()};
    if (is_array(*reply, 3)) {
      const auto count = [&reply](size_t i) { return static_cast<uint64_t>(std::max<int64_t>(reply->elements[i].integer, 0)); };
      mirrored_.fetch_add(count(0));
      malformed_.fetch_add(count(1));
      erased_.fetch_add(count(2));
    }
  }
  return Status::success();
}

Status ReviewMirror::push_rows(int64_t now) {
  for (;;) {
    std::vector<std::string> rows;
    {
      std::lock_guard lock(pending_mutex_);
      const size_t n = std::min(pending_rows_.size(), options_.rows_per_call);
      if (n == 0) return Status::success();
      rows.assign(pending_rows_.begin(), pending_rows_.begin() + static_cast<std::ptrdiff_t>(n));
      rows_sending_ = {n, 0};
    }
    // Meanwhile other threads append, and may trim the oldest over the
    // budget (decide()): rows_sending_ keeps count of which are these.
    Status sent = send_rows(rows, now);
    if (options_.after_send) options_.after_send();
    std::lock_guard lock(pending_mutex_);
    settle_sending(true, sent.ok());
    if (!sent) return sent;
  }
}

Status ReviewMirror::push_decisions() {
  for (;;) {
    PendingDecision next;
    {
      std::lock_guard lock(pending_mutex_);
      if (pending_decisions_.empty()) return Status::success();
      next = pending_decisions_.front();
      decisions_sending_ = {1, 0};
    }
    // A decision whose row never reached the mirror has nothing to apply to: done all the same.
    Result<RedisReply> reply = run_decide(next.id, next.decision, next.decided_at);
    if (options_.after_send) options_.after_send();
    std::lock_guard lock(pending_mutex_);
    settle_sending(false, reply.ok());
    if (!reply) return Error{"review mirror: " + reply.error()};
  }
}

Result<RedisReply> ReviewMirror::run_decide(const std::string& id, const std::string& decision, int64_t now) {
  return redis_.eval(kMirrorDecide, {prefix() + "item:" + id},
                     {prefix(), id, decision, std::to_string(now), std::to_string(retention_seconds())});
}

std::optional<SubmissionRecord> ReviewMirror::read_item(const RedisReply& item) {
  const std::string id = is_array(item, 4) ? item.elements[0].str : "";
  if (is_array(item, 4) && item.elements[1].str.empty()) return std::nullopt;  // expired between index and read
  Result<MirroredSubmission> row = is_array(item, 4) ? decode_mirrored_submission(item.elements[1].str)
                                                     : Result<MirroredSubmission>(Error{"not an item"});
  const std::string& decision = is_array(item, 4) ? item.elements[2].str : "";
  const std::optional<int64_t> decided_at = is_array(item, 4) ? to_int64(item.elements[3].str) : std::nullopt;
  if (row && row->record.id != id) row = Error{"the row's id is not its key's"};
  if (row && !decision.empty() && ((decision != "ham" && decision != "spam") || !decided_at))
    row = Error{"a decision that is not ham or spam with a time"};
  if (!row) {
    malformed_.fetch_add(1);
    LogLine("warn").add("msg", "a malformed review mirror entry was skipped").add("id", id).add("error", row.error()).write();
    return std::nullopt;
  }
  SubmissionRecord record = std::move(row->record);
  if (!decision.empty()) {
    record.decision = decision;
    record.decided_at = decided_at;
  }
  return record;
}

Result<std::vector<SubmissionRecord>> ReviewMirror::read_items(const RedisReply& items) {
  if (items.type != RedisReply::Type::array) return Error{"unexpected reply from the review mirror"};
  std::vector<SubmissionRecord> out;
  for (const RedisReply& item : items.elements)
    if (std::optional<SubmissionRecord> record = read_item(item)) out.push_back(std::move(*record));
  return out;
}

Result<ReviewPage> ReviewMirror::review(const ReviewQuery& query, int64_t now) {
  const std::string p = prefix();
  std::vector<std::string> keys = {p + "tmp:base", p + "tmp:listing"};
  // One ready-made index per decision state, with or without held comments.
  const char* const state = query.state == ReviewState::undecided ? "undecided"
                            : query.state == ReviewState::decided ? "decided"
                                                                  : nullptr;
  if (query.exclude_held_comments) keys.push_back(p + "idx:listed" + (state ? std::string(":") + state : ""));
  else keys.push_back(p + "idx:" + (state ? state : "all"));
  if (query.actions.size() == 1) keys.push_back(p + "idx:action:" + query.actions[0]);
  else if (query.actions.size() != 3) return Error{"the review mirror lists one blocked action or all"};
  if (!query.kind.empty()) keys.push_back(p + "idx:kind:" + query.kind);
  if (!query.form_name.empty() && query.form_id.empty()) keys.push_back(p + "idx:form:" + query.form_name);
  if (!query.form_id.empty())
    keys.push_back(p + "idx:formid:" + std::to_string(query.form_name.size()) + ":" + query.form_name + ":" +
                   query.form_id);
  const int per_page = std::clamp(query.per_page, 1, 100);
  const int64_t offset = int64_t{std::max(query.page, 1) - 1} * per_page;
  std::vector<std::string> args = {p, std::to_string(now - retention_seconds()), std::to_string(query.since),
                                   std::to_string(offset), std::to_string(per_page), query.rule, ascii_lowercase(query.text)};
  if (keys.size() == 3 && query.since == 0)  // one ready-made index: its segments' counts are the reasons
    for (std::string& segment : whole_segments(query)) args.push_back(std::move(segment));
  Result<RedisReply> reply = redis_.eval(kMirrorList, keys, args);
  if (!reply) return Error{"review mirror: " + reply.error()};
  if (!is_array(*reply, 3)) return Error{"review mirror: unexpected reply to the list"};
  ReviewPage page;
  page.total = reply->elements[0].integer;
  Result<std::vector<SubmissionRecord>> items = read_items(reply->elements[1]);
  if (!items) return Error{items.error()};
  page.items = std::move(*items);
  const std::vector<RedisReply>& reasons = reply->elements[2].elements;
  for (size_t i = 0; i + 1 < reasons.size(); i += 2) page.reasons.push_back({reasons[i].str, reasons[i + 1].integer});
  std::sort(page.reasons.begin(), page.reasons.end(),
            [](const RuleCount& a, const RuleCount& b) { return a.hits != b.hits ? a.hits > b.hits : a.rule < b.rule; });
  if (page.reasons.size() > 100) page.reasons.resize(100);
  return page;
}

Result<std::optional<SubmissionRecord>> ReviewMirror::find(const std::string& id) {
  Result<RedisReply> reply = redis_.run({"HMGET", prefix() + "item:" + id, "row", "decision", "decided_at"});
  if (!reply) return Error{"review mirror: " + reply.error()};
  if (!is_array(*reply, 3) || reply->elements[0].is_nil()) return std::optional<SubmissionRecord>();
  RedisReply item;
  item.type = RedisReply::Type::array;
  item.elements.resize(4);
  item.elements[0].str = id;
  for (size_t i = 0; i < 3; ++i) item.elements[i + 1].str = reply->elements[i].str;
  return read_item(item);
}

Result<std::optional<ReviewDecision>> ReviewMirror::decide(const std::string& id, const std::string& decision,
                                                           int64_t now) {
  Result<RedisReply> reply = run_decide(id, decision, now);
  if (!reply || !is_array(*reply, 2)) {
    std::lock_guard lock(pending_mutex_);
    pending_decisions_.push_back({id, decision, now});
    trim_pending();
  }
  if (!reply) return Error{"review mirror: " + reply.error()};
  if (!is_array(*reply, 2)) return std::optional<ReviewDecision>();
  Result<MirroredSubmission> row = decode_mirrored_submission(reply->elements[0].str);
  if (!row) {
    malformed_.fetch_add(1);
    LogLine("warn").add("msg", "a malformed review mirror entry was skipped").add("id", id).add("error", row.error()).write();
    return std::optional<ReviewDecision>();
  }
  ReviewDecision decided{std::move(row->record), std::nullopt};
  if (!reply->elements[1].str.empty()) decided.previous = reply->elements[1].str;
  decided.record.decision = decision;
  decided.record.decided_at = now;
  return std::optional<ReviewDecision>(std::move(decided));
}

Result<bool> ReviewMirror::claim_delivery(const std::string& id) {
  Result<RedisReply> reply = redis_.run({"SET", prefix() + "delivered:" + id, redis_.node(), "NX", "EX",
                                         std::to_string(retention_seconds())});
  if (!reply) return Error{"review mirror: " + reply.error()};
  return reply->type == RedisReply::Type::status;  // OK; nil when another node claimed it
}

Status ReviewMirror::release_delivery(const std::string& id) {
  Result<RedisReply> reply = redis_.run({"DEL", prefix() + "delivered:" + id});
  if (!reply) return Error{"review mirror: " + reply.error()};
  return Status::success();
}

Result<std::vector<SubmissionRecord>> ReviewMirror::by_email(const std::string& email, int limit) {
  Result<RedisReply> reply = redis_.eval(kMirrorItems, {prefix() + "idx:email:" + mirror_email_key(email)},
                                         {prefix(), std::to_string(std::clamp(limit, 1, 10000))});
  if (!reply) return Error{"review mirror: " + reply.error()};
  return read_items(*reply);
}

Result<int64_t> ReviewMirror::erase_email(const std::string& email) {
  Result<RedisReply> reply = redis_.eval(kMirrorErase, {prefix() + "idx:email:" + mirror_email_key(email)}, {prefix()});
  if (!reply) return Error{"review mirror: " + reply.error()};
  return reply->integer;
}

void ReviewMirror::register_metrics(MetricRegistry& metrics) const {
  metrics.add_external("spamgate_review_mirror_rows_total", "Blocked submissions this node copied to the site's review mirror.",
                       "counter", [this] { return static_cast<double>(mirrored()); });
  metrics.add_external("spamgate_review_mirror_pending", "Rows and decisions waiting for Redis to reach the review mirror.",
                       "gauge", [this] { return static_cast<double>(pending()); });
  metrics.add_external("spamgate_review_mirror_dropped_total",
                       "Rows and decisions dropped unmirrored over the waiting budget while Redis was away.", "counter",
                       [this] { return static_cast<double>(dropped()); });
  metrics.add_external("spamgate_review_mirror_erased_total",
                       "Blocked submissions not mirrored because the site erased their address after they were blocked.",
                       "counter", [this] { return static_cast<double>(erased()); });
  metrics.add_external("spamgate_review_mirror_malformed_total", "Review mirror entries that did not decode and were skipped.",
                       "counter", [this] { return static_cast<double>(malformed()); });
}

}  // namespace spamgate

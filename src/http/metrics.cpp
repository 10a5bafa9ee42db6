#include "http/metrics.h"

#include <sstream>

namespace spamgate {

const char* outcome_name(Outcome outcome) {
  static const char* names[kOutcomeCount] = {"pass", "hold", "reject", "discard", "ok", "client_error", "server_error"};
  return names[static_cast<int>(outcome)];
}

const char* endpoint_name(EndpointKind endpoint) {
  static const char* names[kEndpointCount] = {"comment", "contact", "check",  "notify",  "feedback", "stats",
                                              "train",   "model",   "submissions", "personal_data", "health", "metrics",
                                              "token", "rules_try", "form", "passthrough", "other"};
  return names[static_cast<int>(endpoint)];
}

void Metrics::record_request(EndpointKind endpoint, Outcome outcome, uint64_t microseconds) {
  requests_[static_cast<int>(endpoint) * kOutcomeCount + static_cast<int>(outcome)].fetch_add(
      1, std::memory_order_relaxed);
  size_t bucket = 0;
  const double seconds = static_cast<double>(microseconds) / 1e6;
  while (bucket < kBucketsSeconds.size() && seconds > kBucketsSeconds[bucket]) ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(microseconds, std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_rule_hits(const std::vector<std::string>& rules) {
  if (rules.empty()) return;
  std::lock_guard lock(rule_hits_mutex_);
  for (const auto& rule : rules) ++rule_hits_[rule];
}

std::string Metrics::render() const {
  std::ostringstream out;
  out << "# HELP spamgate_requests_total Requests by endpoint and outcome.\n"
         "# TYPE spamgate_requests_total counter\n";
  for (int e = 0; e < kEndpointCount; ++e)
    for (int o = 0; o < kOutcomeCount; ++o)
      if (uint64_t n = requests_[e * kOutcomeCount + o].load(std::memory_order_relaxed))
        out << "spamgate_requests_total{endpoint=\"" << endpoint_name(static_cast<EndpointKind>(e))
            << "\",outcome=\"" << outcome_name(static_cast<Outcome>(o)) << "\"} " << n << "\n";

  out << "# HELP spamgate_request_duration_seconds Time from request to answer.\n"
         "# TYPE spamgate_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kBucketsSeconds.size(); ++b) {
    cumulative += latency_buckets_[b].load(std::memory_order_relaxed);
    out << "spamgate_request_duration_seconds_bucket{le=\"" << kBucketsSeconds[b] << "\"} " << cumulative << "\n";
  }
  cumulative += latency_buckets_[kBucketsSeconds.size()].load(std::memory_order_relaxed);
  out << "spamgate_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "spamgate_request_duration_seconds_sum " << static_cast<double>(latency_sum_us_.load()) / 1e6 << "\n"
      << "spamgate_request_duration_seconds_count " << latency_count_.load() << "\n";

  out << "# HELP spamgate_rule_hits_total Submissions each rule matched.\n"
         "# TYPE spamgate_rule_hits_total counter\n";
  {
    std::lock_guard lock(rule_hits_mutex_);
    for (const auto& [rule, n] : rule_hits_) out << "spamgate_rule_hits_total{rule=\"" << rule << "\"} " << n << "\n";
  }
  out << "# HELP spamgate_rule_errors_total Rules that failed while matching (e.g. regex complexity limit).\n"
         "# TYPE spamgate_rule_errors_total counter\n"
      << "spamgate_rule_errors_total " << rule_errors_.load() << "\n"
      << "# HELP spamgate_rule_reloads_total Rule reloads by result.\n"
         "# TYPE spamgate_rule_reloads_total counter\n"
      << "spamgate_rule_reloads_total{result=\"ok\"} " << reloads_ok_.load() << "\n"
      << "spamgate_rule_reloads_total{result=\"failed\"} " << reloads_failed_.load() << "\n";
  render_registered(out);
  return out.str();
}

}  // namespace spamgate

// Metrics: counters and a latency histogram for GET /spamgate/metrics in
// the Prometheus text format, followed by what other modules registered
// (MetricRegistry). Updated lock-free on the request path except rule hits
// (a short mutex); never blocks a request on a scrape for long.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "util/metric_registry.h"

namespace spamgate {

// What a request ended as, for the requests_total counter.
enum class Outcome { pass, hold, reject, discard, ok, client_error, server_error };
inline constexpr int kOutcomeCount = 7;
const char* outcome_name(Outcome outcome);

// The endpoints metrics are kept for; "other" is every unknown path.
enum class EndpointKind {
  comment, contact, check, notify, feedback, stats, train, model, submissions, personal_data, health, metrics,
  token, rules_try, form, passthrough, other
};
inline constexpr int kEndpointCount = 17;
const char* endpoint_name(EndpointKind endpoint);

class Metrics : public MetricRegistry {
 public:
  // Counts one finished request and its duration.
  void record_request(EndpointKind endpoint, Outcome outcome, uint64_t microseconds);
  // Counts one hit of each rule in `rules`.
  void record_rule_hits(const std::vector<std::string>& rules);
  void record_rule_error() { rule_errors_.fetch_add(1, std::memory_order_relaxed); }
  void record_reload(bool ok) { (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed); }

  // The Prometheus text exposition of everything above, then of every
  // registered metric.
  std::string render() const;

 private:
  static constexpr std::array<double, 14> kBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                             0.025,  0.05,    0.1,    0.25,  0.5,   1,     5};
  std::array<std::atomic<uint64_t>, kEndpointCount * kOutcomeCount> requests_{};
  std::array<std::atomic<uint64_t>, kBucketsSeconds.size() + 1> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_us_{0};
  std::atomic<uint64_t> latency_count_{0};
  std::atomic<uint64_t> rule_errors_{0};
  std::atomic<uint64_t> reloads_ok_{0};
  std::atomic<uint64_t> reloads_failed_{0};
  mutable std::mutex rule_hits_mutex_;
  std::map<std::string, uint64_t> rule_hits_;
};

}  // namespace spamgate

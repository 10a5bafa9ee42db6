#include "learning/learning_stream_metrics.h"

namespace spamgate {

void register_learning_stream_metrics(MetricRegistry& metrics, const FeedbackChannel& decisions) {
  metrics.add_external("spamgate_learning_events_applied_total", "Learning events applied from the shared stream",
                       "counter", [&decisions] { return static_cast<double>(decisions.events_applied()); });
  metrics.add_external("spamgate_learning_events_malformed_total",
                       "Learning stream entries that did not decode, skipped", "counter",
                       [&decisions] { return static_cast<double>(decisions.events_malformed()); });
  metrics.add_external("spamgate_learning_snapshots_malformed_total",
                       "Malformed learning snapshots found in Redis, ignored until rebuilt", "counter",
                       [&decisions] { return static_cast<double>(decisions.snapshots_malformed()); });
}

}  // namespace spamgate

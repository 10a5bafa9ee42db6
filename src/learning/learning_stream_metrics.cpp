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
  metrics.add_external("spamgate_learning_erased_decisions_dropped_total",
                       "Decisions from the shared stream about an address erased after they were made, dropped",
                       "counter", [&decisions] { return static_cast<double>(decisions.erased_decisions_dropped()); });
  metrics.add_external("spamgate_learning_erasures_malformed_total",
                       "Entries of the site's erasures in Redis that did not decode, skipped", "counter",
                       [&decisions] { return static_cast<double>(decisions.erasures_malformed()); });
}

}  // namespace spamgate

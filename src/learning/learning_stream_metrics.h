// The shared learning stream's counters for /spamgate/metrics: events
// applied from the stream, entries and snapshots that did not decode.
// Registers readers only; never reads the stream itself.
#pragma once

#include "learning/feedback_channel.h"
#include "util/metric_registry.h"

namespace spamgate {

// As spamgate_learning_*_total. `decisions` must outlive `metrics`.
void register_learning_stream_metrics(MetricRegistry& metrics, const FeedbackChannel& decisions);

}  // namespace spamgate

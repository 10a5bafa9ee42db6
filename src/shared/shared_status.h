// `spamgate status`: whether this node is on shared state, Redis's round
// trip, how far it and every other node (by the positions they publish)
// have applied the learning stream, and who leads.
#pragma once

#include <ostream>

#include "config/config.h"

namespace spamgate {

// Prints the status lines to `out`. Returns 0, or 1 when [shared] redis is
// set and Redis does not answer, 2 on a local error (printed to `err`).
int print_shared_status(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace spamgate

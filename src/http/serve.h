// serve: runs the gateway until SIGTERM or SIGINT. Builds every service
// from the config, refuses to start on a config or rule error (printed as
// file:line: message), reloads rules on SIGHUP and when a rule file
// changes, and shuts down without dropping a request in progress.
#pragma once

#include "config/config.h"

namespace spamgate {

// Returns the process exit code: 0 after a clean shutdown, 2 when it could
// not start (the reason is already printed to stderr).
int run_serve(const Config& config);

}  // namespace spamgate

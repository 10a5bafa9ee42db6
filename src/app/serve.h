// serve: runs the gateway until SIGTERM or SIGINT. Builds the services
// (services.h), refuses to start on a config or rule error (printed as
// file:line: message), starts the background jobs (background_jobs.h),
// reloads rules on SIGHUP, and shuts down without dropping a request in
// progress: the server drains, then every job stops.
#pragma once

#include "config/config.h"

namespace spamgate {

// Returns the process exit code: 0 after a clean shutdown, 2 when it could
// not start (the reason is already printed to stderr).
int run_serve(const Config& config);

}  // namespace spamgate

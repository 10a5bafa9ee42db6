// Test harness: what a process costs right now, read from /proc/<pid>
// (resident memory, open file descriptors), for bounded-memory, leak and
// soak assertions. Read-only; never signals or changes the process.
#pragma once

#include <sys/types.h>

#include <string>

namespace harness {

// VmRSS of `pid` in KiB, or -1 when the process or the field is gone.
long rss_kib(pid_t pid);
// VmHWM (the peak resident memory) of `pid` in KiB, or -1 as rss_kib.
long peak_rss_kib(pid_t pid);

// Number of entries in /proc/<pid>/fd, or -1 when it cannot be read.
long open_fd_count(pid_t pid);

}  // namespace harness

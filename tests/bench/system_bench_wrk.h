// scripts/bench: runs wrk (Debian's) with tests/bench/post_comments.lua
// against a URL and reads the figures the script's done() prints. Only
// ever points wrk at 127.0.0.1.
#pragma once

#include <memory>
#include <string>

#include "harness/process.h"

namespace bench {

struct WrkLoad {
  std::string base_url;      // "http://127.0.0.1:<port>"
  std::string path;          // request path, e.g. "/wp-comments-post.php"
  std::string bodies_file;   // one urlencoded form per line
  int connections = 8;
  int seconds = 6;
  bool count_status = false; // count answers per status class (slows wrk a little)
  bool multipart = false;    // send each form as multipart/form-data (as CF7's script does)
  std::string timeout = "5s";
};

struct WrkFigures {
  bool ok = false;
  std::string error;         // why the run gave no figures (wrk's output tail)
  long requests = 0;
  double seconds = 0;
  double rps = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  long socket_errors = 0;    // connect + read + write errors and timeouts
  long non_2xx_3xx = 0;      // wrk's own count (403 is one)
  bool counted = false;      // the status classes below were counted
  long s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0;
  double server_cpu_us = -1; // CPU time (user + system) the server process spent per request; -1 = not measured
};

// A wrk run in the background; finish() waits for it and parses the result.
class WrkRun {
 public:
  // Starts wrk; `log_path` gets its output.
  WrkRun(const WrkLoad& load, const std::string& log_path);
  // Waits (up to the run's length + 30 s) and returns the figures.
  WrkFigures finish();

 private:
  WrkLoad load_;
  std::string log_path_;
  harness::Process process_;
};

// Starts wrk, waits for it and returns the figures.
WrkFigures run_wrk(const WrkLoad& load, const std::string& log_path);

// True when `wrk` is on PATH.
bool wrk_available();

}  // namespace bench

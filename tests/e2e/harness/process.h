// Test harness: start real servers as child processes on loopback, wait for
// them to listen, and stop them when the test ends, even when it fails
// (destructors run on a failed REQUIRE; PR_SET_PDEATHSIG covers a crash).
// Never used by spamgate itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/eventually.h"
#include "support/temp_dir.h"

namespace harness {

// A child process whose stdout and stderr go to `log_path`.
class Process {
 public:
  Process() = default;
  Process(std::vector<std::string> argv, std::string log_path,
          std::map<std::string, std::string> extra_env = {}, std::string cwd = "");
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Sends `signal` without waiting.
  void signal(int signal);
  // Waits for the process to exit on its own; -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  const std::string& log_path() const { return log_path_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_path_;
};

// A spamgate::testing::TempDir (removed at the end unless the environment
// has SPAMGATE_KEEP_TEST_DIRS=1) that is always under /tmp, whatever $TMPDIR
// says (unix socket paths stay short), and that other users may enter (mode
// 0755): nginx, php-fpm and apache workers may run as another user.
class TempDir : public spamgate::testing::TempDir {
 public:
  // Throws std::runtime_error when the directory cannot be made.
  explicit TempDir(const std::string& prefix = "spamgate-test");
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// True once something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
// True once a unix socket at `path` accepts connections.
bool wait_for_unix_socket(const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(20));
// Polls a condition with a deadline (support/eventually.h).
using spamgate::testing::eventually;

// Writes `content` to `path` (its folder must exist); throws std::runtime_error.
using spamgate::testing::write_file;
// A server's log: "" when it does not exist yet, so diagnostics never throw.
using spamgate::testing::read_file_or_empty;
bool file_exists(const std::string& path);
// `text` in single quotes for /bin/sh, embedded quotes escaped.
std::string shell_quote(const std::string& text);
// Runs a shell command, returns its exit status; output appended to `log`.
int run(const std::string& command, std::string* output = nullptr);
// Absolute path of a program from PATH or the usual sbin directories ("" if none).
std::string find_program(const std::string& name);

}  // namespace harness

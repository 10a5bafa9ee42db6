// SenderLock: makes one process at a time the outbox's sender. Several
// spamgate processes may share one database (mod_fcgid spawns a few; cron
// may run `outbox flush`), but only the holder of this lock claims and
// sends, so caps are counted once and no row is sent by two processes.
// The kernel drops the lock when its holder dies, even by kill -9.
#pragma once

#include <optional>
#include <string>

#include "util/result.h"

namespace spamgate {

class SenderLock {
 public:
  // Takes an exclusive flock on `path` (created if missing) without
  // waiting. Returns the lock, nullopt when another process holds it, or
  // an error when the file cannot be opened.
  static Result<std::optional<SenderLock>> try_acquire(const std::string& path);

  SenderLock(SenderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SenderLock& operator=(SenderLock&& other) noexcept;
  SenderLock(const SenderLock&) = delete;
  SenderLock& operator=(const SenderLock&) = delete;
  ~SenderLock();

 private:
  explicit SenderLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The lock file that guards the outbox stored at `database_path`.
inline std::string sender_lock_path(const std::string& database_path) { return database_path + ".sender-lock"; }

}  // namespace spamgate

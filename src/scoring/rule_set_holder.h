// RuleSetHolder: the live RuleSet of a running server. Requests take a
// shared_ptr to the current set and keep it for their whole life; a reload
// swaps in a new set atomically. A rule file that fails to load leaves the
// previous set in place, and the errors are returned as "file:line: message".
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "scoring/rule_set.h"

namespace spamgate {

class RuleSetHolder {
 public:
  explicit RuleSetHolder(std::vector<std::string> files);

  // Loads the files. On success the new set becomes current and the result
  // is empty; on failure the current set stays and every error is returned.
  std::vector<std::string> reload();
  // The current set (nullptr only before the first successful load).
  std::shared_ptr<const RuleSet> current() const;
  // True when a file the current set was read from (rules, includes, lists)
  // changed its modification time or size, or disappeared, since the load.
  bool changed_on_disk() const;

 private:
  struct FileStamp {
    std::string path;
    std::filesystem::file_time_type mtime;
    uintmax_t size;
  };
  static std::vector<FileStamp> stamp(const std::vector<std::string>& paths);

  std::vector<std::string> files_;
  std::shared_ptr<const RuleSet> current_;
  std::vector<FileStamp> stamps_;
  mutable std::mutex mutex_;  // guards current_ and stamps_ (held only to copy or swap)
};

}  // namespace spamgate

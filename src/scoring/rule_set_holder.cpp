#include "scoring/rule_set_holder.h"

namespace spamgate {

RuleSetHolder::RuleSetHolder(std::vector<std::string> files) : files_(std::move(files)) {}

std::vector<RuleSetHolder::FileStamp> RuleSetHolder::stamp(const std::vector<std::string>& paths) {
  std::vector<FileStamp> stamps;
  for (const auto& path : paths) {
    std::error_code error;
    FileStamp file{path, std::filesystem::last_write_time(path, error), 0};
    if (!error) file.size = std::filesystem::file_size(path, error);
    stamps.push_back(file);
  }
  return stamps;
}

std::vector<std::string> RuleSetHolder::reload() {
  RuleLoad load = load_rules(files_);
  if (!load.rules) {
    // Watch what failed too, so fixing the file triggers the next reload.
    std::lock_guard lock(mutex_);
    stamps_ = stamp(files_);
    if (current_)
      for (auto& file : stamp(current_->source_files())) stamps_.push_back(file);
    return load.errors;
  }
  auto stamps = stamp(load.rules->source_files());
  std::lock_guard lock(mutex_);
  current_ = std::move(load.rules);
  stamps_ = std::move(stamps);
  return {};
}

std::shared_ptr<const RuleSet> RuleSetHolder::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

bool RuleSetHolder::changed_on_disk() const {
  std::vector<FileStamp> known;
  {
    std::lock_guard lock(mutex_);
    known = stamps_;
  }
  for (const auto& file : known) {
    std::error_code error;
    const auto mtime = std::filesystem::last_write_time(file.path, error);
    if (error) return true;
    if (mtime != file.mtime || std::filesystem::file_size(file.path, error) != file.size) return true;
  }
  return false;
}

}  // namespace spamgate

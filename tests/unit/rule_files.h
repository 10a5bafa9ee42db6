// Test support for the rule tests: a fresh directory of rule files that is
// removed at the end of the test.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace spamgate::testing {

class RuleDir {
 public:
  RuleDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("spamgate-rules-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~RuleDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  RuleDir(const RuleDir&) = delete;
  RuleDir& operator=(const RuleDir&) = delete;

  // Writes `content` to `name` (subdirectories created) and returns its full path.
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace spamgate::testing

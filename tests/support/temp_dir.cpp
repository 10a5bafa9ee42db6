#include "support/temp_dir.h"

#include <stdlib.h>  // mkdtemp
#include <unistd.h>  // access

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace spamgate::testing {

namespace {

std::runtime_error failure(const std::string& what, const std::string& path, int error) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(error));
}

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string default_base() {
  const char* tmpdir = std::getenv("TMPDIR");
  return without_trailing_slashes(tmpdir && *tmpdir ? tmpdir : "/tmp");
}

bool keep_test_dirs() {
  const char* keep = std::getenv("SPAMGATE_KEEP_TEST_DIRS");
  return keep && std::string_view(keep) == "1";
}

// The whole file, or nullopt with `error` set to errno.
std::optional<std::string> slurp(const std::string& path, int& error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = errno;
    return std::nullopt;
  }
  std::string content;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) content.append(buffer, n);
  const bool failed = std::ferror(file);
  error = failed ? (errno ? errno : EIO) : 0;
  std::fclose(file);
  if (failed) return std::nullopt;
  return content;
}

std::string store_base(TempStore::Medium medium) {
  std::error_code ignored;
  if (medium == TempStore::Medium::memory && std::filesystem::is_directory("/dev/shm", ignored) &&
      access("/dev/shm", W_OK | X_OK) == 0)
    return "/dev/shm";
  return "";
}

}  // namespace

TempDir::TempDir(std::string_view prefix, std::string_view base) {
  const std::string root = base.empty() ? default_base() : without_trailing_slashes(std::string(base));
  std::string pattern = root + "/" + std::string(prefix) + "-XXXXXX";
  if (!mkdtemp(pattern.data())) throw failure("cannot make the temporary directory", pattern, errno);
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(pattern, error);
  path_ = error ? pattern : absolute.string();
}

TempDir::~TempDir() { remove(); }

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

void TempDir::remove() noexcept {
  if (path_.empty()) return;
  if (keep_test_dirs()) {
    std::fprintf(stderr, "SPAMGATE_KEEP_TEST_DIRS=1: kept %s\n", path_.c_str());
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  path_.clear();
}

std::string TempDir::operator/(std::string_view name) const {
  std::string joined = path_;
  joined += '/';
  joined += name;
  return joined;
}

std::string TempDir::write(std::string_view name, std::string_view content) const {
  const std::string file = *this / name;
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), error);
  if (error) throw std::runtime_error("cannot make the folders of " + file + ": " + error.message());
  write_file(file, content);
  return file;
}

TempStore::TempStore(Medium medium) : TempDir("spamgate-store", store_base(medium)) {}

std::string TempStore::store_path() const { return *this / "store/spamgate.db"; }

void write_file(const std::string& path, std::string_view content) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw failure("cannot write", path, errno);
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  int error = written ? 0 : errno;
  if (std::fclose(file) != 0 && written) error = errno;
  if (!written || error != 0) throw failure("cannot write", path, error ? error : EIO);
}

std::string read_file(const std::string& path) {
  int error = 0;
  std::optional<std::string> content = slurp(path, error);
  if (!content) throw failure("cannot read", path, error);
  return std::move(*content);
}

std::string read_file_or_empty(const std::string& path) {
  int ignored = 0;
  return slurp(path, ignored).value_or(std::string());
}

std::vector<std::string> read_lines(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    size_t stop = end;
    if (stop > start && text[stop - 1] == '\r') --stop;
    if (stop > start) lines.emplace_back(text, start, stop - start);
    start = end + 1;
  }
  return lines;
}

}  // namespace spamgate::testing

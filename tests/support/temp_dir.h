// The test toolkit shared by the unit tests, the e2e harness and the fuzz
// targets: a private temporary directory removed with everything in it, a
// temporary SQLite store, and whole-file read and write helpers. Test-only.
// No doctest here (the fuzz targets use it too): every failure throws
// std::runtime_error whose message names the path and the reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spamgate::testing {

// A fresh private directory (mkdtemp, mode 0700) named <base>/<prefix>-XXXXXX,
// where <base> is $TMPDIR, or /tmp when that is unset or empty. The destructor
// removes it and everything under it, unless the environment has
// SPAMGATE_KEEP_TEST_DIRS=1 (it then prints the path it kept, to debug a
// failed test). Movable: a moved-from TempDir owns and removes nothing.
class TempDir {
 public:
  // `base` "" means $TMPDIR or /tmp. Throws std::runtime_error when
  // mkdtemp fails (no such base, no permission).
  explicit TempDir(std::string_view prefix = "spamgate-test", std::string_view base = "");
  // Removes the directory; never throws (a failure to remove is ignored).
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  // Removes this directory, then takes over `other`'s.
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory's absolute path, with no '/' at the end; "" once moved from.
  const std::string& path() const { return path_; }
  // path() + "/" + name (`name` may hold '/'; `dir / ""` ends in '/').
  // Only joins: creates nothing.
  std::string operator/(std::string_view name) const;
  // Writes `content` to path()/name, replacing any file there and creating
  // the folders `name` names; returns the file's full path. Throws
  // std::runtime_error when a folder or the file cannot be written.
  std::string write(std::string_view name, std::string_view content) const;

 private:
  void remove() noexcept;
  std::string path_;
};

// A TempDir (prefix "spamgate-store") for a SQLite store file, which it does
// not create: store_path() names it in a folder that does not exist yet,
// so opening the store also checks that it makes its folder.
class TempStore : public TempDir {
 public:
  enum class Medium {
    memory,  // /dev/shm when there is a writable one, else as `disk`: the
             // outbox fsyncs every commit and its storm tests make tens of thousands
    disk,    // under $TMPDIR or /tmp, for figures that should include the disk
  };
  // Throws std::runtime_error as TempDir does.
  explicit TempStore(Medium medium = Medium::memory);
  // <path()>/store/spamgate.db.
  std::string store_path() const;
};

// Writes `content` to `path`, replacing any file there. The folder must
// exist (TempDir::write makes it). Throws std::runtime_error when the file
// cannot be opened or written in full.
void write_file(const std::string& path, std::string_view content);
// The file's bytes. Throws std::runtime_error when it cannot be opened or read.
std::string read_file(const std::string& path);
// The file's bytes; "" when it does not exist or cannot be read (a server's
// log it has not written yet). Never throws but std::bad_alloc.
std::string read_file_or_empty(const std::string& path);
// The file's lines without their line ends (LF or CRLF; other white space
// is kept), empty lines left out. Throws std::runtime_error as read_file does.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace spamgate::testing

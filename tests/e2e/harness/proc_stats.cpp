#include "harness/proc_stats.h"

#include <dirent.h>

#include <fstream>
#include <string>

namespace harness {

namespace {

// Field `name` ("VmRSS") of /proc/<pid>/status in KiB, or -1.
long status_field_kib(pid_t pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(name + ":", 0) == 0) return std::stol(line.substr(name.size() + 1));
  return -1;
}

}  // namespace

long rss_kib(pid_t pid) { return status_field_kib(pid, "VmRSS"); }

long peak_rss_kib(pid_t pid) { return status_field_kib(pid, "VmHWM"); }

long open_fd_count(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return -1;
  long count = 0;
  while (const dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  closedir(dir);
  return count;
}

}  // namespace harness

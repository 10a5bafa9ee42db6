// libFuzzer target: whatever a site owner writes in spamgate.toml, loading it
// never crashes or hangs; it yields either a config or an error whose every
// line is "file:line: message" or "file: message", and a loaded config keeps
// the bounds the loader promises (positive threads, sane limits).
// Input: the text of one config file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

const std::string& config_path() {
  static const std::string path = [] {
    char dir[] = "/tmp/spamgate-fuzz-config-XXXXXX";
    require(mkdtemp(dir) != nullptr);
    return std::string(dir) + "/spamgate.toml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = config_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const spamgate::Result<spamgate::Config> config = spamgate::load_config(path);
  if (!config.ok()) {
    require(!config.error().empty());
    std::istringstream lines(config.error());
    for (std::string line; std::getline(lines, line);)
      require(line.rfind(path + ":", 0) == 0 && line.size() > path.size() + 1);
    return 0;
  }
  require(config->source_path == path);
  require(config->server.threads > 0);
  require(config->limits.max_body_bytes > 0 && config->limits.max_fields > 0 && config->limits.max_field_bytes > 0);
  require(config->mail.caps.per_hour >= 0 && config->mail.caps.per_day >= 0);
  require(!config->resolve(config->store.path).empty());
  return 0;
}

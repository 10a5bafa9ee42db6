// libFuzzer target: whatever a site owner writes in spamgate.toml, loading it
// never crashes or hangs; it yields either a config or an error whose every
// line is "file:line: message" or "file: message", and a loaded config keeps
// the bounds the loader promises (positive threads, sane limits).
// Input: the text of one config file.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "config/config.h"
#include "support/invariant.h"
#include "support/temp_dir.h"

namespace {

// In a private directory, removed when the fuzzer exits normally.
const std::string& config_path() {
  static const spamgate::testing::TempDir dir("spamgate-fuzz-config");
  static const std::string path = dir / "spamgate.toml";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = config_path();
  spamgate::testing::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  const spamgate::Result<spamgate::Config> config = spamgate::load_config(path);
  if (!config.ok()) {
    REQUIRE_INVARIANT(!config.error().empty());
    std::istringstream lines(config.error());
    for (std::string line; std::getline(lines, line);)
      REQUIRE_INVARIANT(line.rfind(path + ":", 0) == 0 && line.size() > path.size() + 1);
    return 0;
  }
  REQUIRE_INVARIANT(config->source_path == path);
  REQUIRE_INVARIANT(config->server.threads > 0);
  REQUIRE_INVARIANT(config->limits.max_body_bytes > 0 && config->limits.max_fields > 0 && config->limits.max_field_bytes > 0);
  REQUIRE_INVARIANT(config->mail.caps.per_hour >= 0 && config->mail.caps.per_day >= 0);
  REQUIRE_INVARIANT(!config->resolve(config->store.path).empty());
  return 0;
}

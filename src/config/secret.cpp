// read_secret: the one place a secret's value is read. Errors name where
// the secret should have come from, never what was (or was not) in it.
#include <cstdlib>
#include <fstream>
#include <string>

#include "config/config.h"

namespace spamgate {

Result<std::string> read_secret(const SecretRef& ref, const Config& config) {
  if (!ref.file.empty()) {
    const std::string path = config.resolve(ref.file);
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{path + ": cannot read secret file"};
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return Error{path + ": secret file's first line is empty"};
    return line;
  }
  if (!ref.env.empty()) {
    const char* value = std::getenv(ref.env.c_str());
    if (value == nullptr || *value == '\0') return Error{"environment variable " + ref.env + " is not set or empty"};
    return std::string(value);
  }
  return Error{"no secret configured (set file or env)"};
}

}  // namespace spamgate

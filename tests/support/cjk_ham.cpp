#include "support/cjk_ham.h"

#include <sstream>
#include <stdexcept>

#include "support/temp_dir.h"

namespace spamgate::testing {

std::vector<HamComment> read_cjk_ham(const std::string& source_dir) {
  const std::string path = source_dir + "/tests/data/cjk-ham.txt";
  std::istringstream in(read_file(path));
  std::vector<HamComment> comments;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts;
    for (size_t from = 0, tab = 0; parts.size() < 4; from = tab + 1) {
      tab = parts.size() == 3 ? std::string::npos : line.find('\t', from);
      parts.push_back(line.substr(from, tab == std::string::npos ? std::string::npos : tab - from));
      if (tab == std::string::npos) break;
    }
    if (parts.size() != 4)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected 4 tab-separated columns");
    for (size_t at; (at = parts[3].find("\\n")) != std::string::npos;) parts[3].replace(at, 2, "\n");
    comments.push_back({number, parts[0], parts[1], parts[2] == "-" ? "" : parts[2], parts[3]});
  }
  return comments;
}

}  // namespace spamgate::testing

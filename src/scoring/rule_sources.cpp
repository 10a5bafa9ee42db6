#include "scoring/rule_sources.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spamgate {
namespace {

namespace fs = std::filesystem;

// The whole file, or an error such as "No such file or directory".
Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Error{"is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{std::strerror(errno)};
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Error{"read error"};
  return content.str();
}

// `path` relative to the directory of the file that names it.
std::string resolve(const std::string& from_file, const std::string& path) {
  if (fs::path(path).is_absolute()) return path;
  return (fs::path(from_file).parent_path() / path).lexically_normal().string();
}

std::string identity(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path).lexically_normal().string() : canonical.string();
}

class Reader {
 public:
  RuleSources take() { return std::move(out_); }

  void read(const std::string& path, const std::string& named_at) {
    note_file(path);
    auto content = read_file(path);
    if (!content) {
      error(named_at.empty() ? path + ": cannot read rule file: " + content.error()
                             : named_at + ": cannot read '" + path + "': " + content.error());
      return;
    }
    const std::string id = identity(path);
    stack_.push_back({id, path});
    std::istringstream lines(*content);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number)
      handle_line(path, number, line);
    stack_.pop_back();
  }

 private:
  struct Open {
    std::string identity;
    std::string path;
  };

  void note_file(const std::string& path) {
    if (std::find(out_.files.begin(), out_.files.end(), path) == out_.files.end()) out_.files.push_back(path);
  }
  void error(std::string message) { out_.errors.push_back({next_order_++, std::move(message)}); }

  void handle_line(const std::string& path, int number, const std::string& line) {
    const std::string where = path + ":" + std::to_string(number);
    auto parsed = parse_rule_line(line);
    if (!parsed) return error(where + ": " + parsed.error());
    if (!*parsed) return;
    Directive& d = **parsed;
    if (d.kind == DirectiveKind::include) return include(where, resolve(path, d.text));
    LocatedDirective located{std::move(d), where, next_order_++, {}};
    if (located.directive.kind == DirectiveKind::list) {
      const std::string list_path = resolve(path, located.directive.text);
      note_file(list_path);
      auto content = read_file(list_path);
      if (content) located.list_entries = parse_list_entries(*content);
      else error(where + ": cannot read list '" + list_path + "': " + content.error());
      located.directive.text = list_path;
    }
    out_.directives.push_back(std::move(located));
  }

  void include(const std::string& where, const std::string& path) {
    const std::string id = identity(path);
    auto open = std::find_if(stack_.begin(), stack_.end(), [&](const Open& o) { return o.identity == id; });
    if (open != stack_.end()) {
      std::string chain;
      for (auto it = open; it != stack_.end(); ++it) chain += it->path + " -> ";
      return error(where + ": include cycle: " + chain + path);
    }
    read(path, where);
  }

  RuleSources out_;
  std::vector<Open> stack_;
  size_t next_order_ = 0;
};

}  // namespace

std::vector<std::string> parse_list_entries(const std::string& content) {
  std::vector<std::string> entries;
  std::istringstream lines(content);
  std::string line;
  const std::string kTrim(" \t\r\n\v\0", 6);  // PHP trim()'s set
  while (std::getline(lines, line)) {
    const size_t begin = line.find_first_not_of(kTrim);
    if (begin == std::string::npos) continue;
    std::string entry = line.substr(begin, line.find_last_not_of(kTrim) - begin + 1);
    if (entry == "0") continue;
    entries.push_back(std::move(entry));
  }
  return entries;
}

RuleSources read_rule_sources(const std::vector<std::string>& files) {
  Reader reader;
  for (const std::string& file : files) reader.read(file, "");
  return reader.take();
}

}  // namespace spamgate


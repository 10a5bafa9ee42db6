#include "scoring/candidate_rules.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "scoring/rule_sources.h"

namespace spamgate {
namespace {

bool is_definition(DirectiveKind kind) {
  return kind == DirectiveKind::regex || kind == DirectiveKind::list || kind == DirectiveKind::script ||
         kind == DirectiveKind::meta;
}

// A private file in the temporary directory (mode 0600, by mkstemp),
// removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "spamgate-try-XXXXXX").string();
    if (ec) pattern = "/tmp/spamgate-try-XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd < 0) {
      error_ = "cannot create a temporary rule file: " + std::string(std::strerror(errno));
      return;
    }
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // Writes `text`; false (and error()) on failure.
  bool write(const std::string& text) {
    if (path_.empty()) return false;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) error_ = path_ + ": cannot write the temporary rule file";
    return static_cast<bool>(out);
  }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  std::string error_;
};

// The text of line N of a file, by its "file:line" location.
class LineCache {
 public:
  std::string line(const std::string& where) {
    const size_t colon = where.rfind(':');
    if (colon == std::string::npos) return "";
    const std::string file = where.substr(0, colon);
    const size_t number = std::strtoul(where.c_str() + colon + 1, nullptr, 10);
    auto [it, fresh] = files_.try_emplace(file);
    if (fresh) {
      std::ifstream in(file, std::ios::binary);
      for (std::string text; std::getline(in, text);) it->second.push_back(text);
    }
    if (number == 0 || number > it->second.size()) return "";
    std::string text = it->second[number - 1];
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
  }

 private:
  std::map<std::string, std::vector<std::string>> files_;
};

// Every directive of both sources as one file, with where each line came from.
struct Flat {
  std::string text;
  std::vector<std::string> origin;  // line N of `text` is origin[N - 1]
};

void append(Flat& flat, const LocatedDirective& d, LineCache& lines) {
  // A list's path was resolved against its own file; the flat file lives
  // elsewhere, so the line is rebuilt with that path.
  std::string line = d.directive.kind == DirectiveKind::list
                         ? "list " + d.directive.name + " " + std::string(field_name(d.directive.field)) + " " +
                               d.directive.text
                         : lines.line(d.where);
  flat.text += line;
  flat.text += '\n';
  flat.origin.push_back(d.where);
}

// `text` with every "PATH:N" (N a number) replaced by `rename(N)`.
template <typename Rename>
std::string relocate(const std::string& text, const std::string& path, Rename rename) {
  std::string out;
  size_t from = 0;
  for (size_t at = text.find(path + ":"); at != std::string::npos; at = text.find(path + ":", from)) {
    size_t digits = at + path.size() + 1;
    size_t end = digits;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == digits) {
      out.append(text, from, digits - from);
      from = digits;
      continue;
    }
    out.append(text, from, at - from);
    out += rename(std::strtoul(text.c_str() + digits, nullptr, 10));
    from = end;
  }
  out.append(text, from, std::string::npos);
  return out;
}

// `where` with the temporary file of pasted text named by its label.
std::string named(const std::string& where, const std::string& temp_path, const std::string& label) {
  if (temp_path.empty()) return where;
  return relocate(where, temp_path, [&](unsigned long n) { return label + ":" + std::to_string(n); });
}

CandidateLoad load(const std::vector<std::string>& current_files, const std::vector<std::string>& candidate_files,
                   const std::string& temp_path = "", const std::string& label = "") {
  CandidateLoad out;
  RuleLoad current = load_rules(current_files);
  if (!current.rules) {
    out.errors = std::move(current.errors);
    return out;
  }
  out.current = current.rules;

  RuleSources candidate = read_rule_sources(candidate_files);
  if (!candidate.errors.empty()) {
    for (const LocatedError& error : candidate.errors) out.errors.push_back(named(error.message, temp_path, label));
    return out;
  }
  std::set<std::string> defined;
  for (const LocatedDirective& d : candidate.directives)
    if (is_definition(d.directive.kind)) defined.insert(d.directive.name);

  LineCache lines;
  Flat flat;
  for (const LocatedDirective& d : read_rule_sources(current_files).directives) {
    if (is_definition(d.directive.kind) && defined.count(d.directive.name)) {
      out.replaced.push_back(d.directive.name);
      continue;
    }
    append(flat, d, lines);
  }
  for (const LocatedDirective& d : candidate.directives) {
    append(flat, d, lines);
    flat.origin.back() = named(flat.origin.back(), temp_path, label);
  }

  TempFile file;
  if (!file.write(flat.text)) {
    out.errors.push_back(file.error());
    return out;
  }
  RuleLoad merged = load_rules({file.path()});
  for (const std::string& error : merged.errors)
    out.errors.push_back(relocate(error, file.path(), [&](unsigned long n) {
      return n >= 1 && n <= flat.origin.size() ? flat.origin[n - 1] : "candidate:" + std::to_string(n);
    }));
  if (out.errors.empty()) out.candidate = merged.rules;
  return out;
}

}  // namespace

CandidateLoad load_candidate_rules(const std::vector<std::string>& current_files,
                                   const std::vector<std::string>& candidate_files) {
  try {
    return load(current_files, candidate_files);
  } catch (const std::exception& e) {  // out of memory, filesystem errors
    CandidateLoad out;
    out.errors.push_back(std::string("cannot load rules: ") + e.what());
    return out;
  }
}

CandidateLoad load_candidate_text(const std::vector<std::string>& current_files, std::string_view text,
                                  const std::string& label) {
  CandidateLoad out;
  try {
    size_t number = 0;
    for (size_t start = 0; start <= text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++number;
      auto parsed = parse_rule_line(text.substr(start, end - start));
      if (parsed && *parsed && ((*parsed)->kind == DirectiveKind::include || (*parsed)->kind == DirectiveKind::list))
        out.errors.push_back(label + ":" + std::to_string(number) + ": " +
                             ((*parsed)->kind == DirectiveKind::include ? "include" : "list") +
                             " cannot be tried from pasted lines (it reads a file on the server); put the rule in a "
                             "rule file and run spamgate rules try FILE");
      start = end + 1;
    }
    if (!out.errors.empty()) return out;
    TempFile file;
    if (!file.write(std::string(text))) {
      out.errors.push_back(file.error());
      return out;
    }
    return load(current_files, {file.path()}, file.path(), label);
  } catch (const std::exception& e) {
    out.errors.push_back(std::string("cannot load rules: ") + e.what());
    return out;
  }
}

}  // namespace spamgate

// TomlReader: typed, located reads of one TOML table for the config loader.
// Every problem becomes "file:line: message"; unknown keys are errors so a
// typo in a site owner's config never passes silently.
#pragma once

#include <toml.hpp>

#include <string>
#include <vector>

namespace spamgate {

class TomlReader {
 public:
  // `table` must outlive the reader; `name` is its dotted path ("" = root).
  TomlReader(const toml::value& table, std::string name, std::string file, std::vector<std::string>* errors);

  // Each read leaves `out` unchanged when the key is absent, and records an
  // error when the value has the wrong type or fails the stated bound.
  void read(const std::string& key, std::string& out);
  void read(const std::string& key, bool& out);
  void read(const std::string& key, int& out, long min, long max);
  void read(const std::string& key, int64_t& out, int64_t min, int64_t max);
  void read(const std::string& key, double& out, double min, double max);
  void read(const std::string& key, std::vector<std::string>& out);
  // A sub-table, or nullptr when absent (an error when not a table).
  const toml::value* table(const std::string& key);
  // An array of tables (`[[key]]`), empty when absent (an error when not one).
  std::vector<const toml::value*> tables(const std::string& key);
  // Records "file:line: message" at `key`'s line (or the table's).
  void error_at(const std::string& key, const std::string& message);
  // Records an error for every key not read or looked up so far.
  void reject_unknown_keys();

 private:
  const toml::value* find(const std::string& key);
  std::string where(const toml::value& value) const;

  const toml::value& table_;
  std::string name_;
  std::string file_;
  std::vector<std::string>* errors_;
  std::vector<std::string> known_;
};

}  // namespace spamgate

#include "config/toml_reader.h"

#include <algorithm>

namespace spamgate {

TomlReader::TomlReader(const toml::value& table, std::string name, std::string file,
                       std::vector<std::string>* errors)
    : table_(table), name_(std::move(name)), file_(std::move(file)), errors_(errors) {}

std::string TomlReader::where(const toml::value& value) const {
  const auto line = value.location().line();
  return line > 0 ? file_ + ":" + std::to_string(line) : file_;
}

const toml::value* TomlReader::find(const std::string& key) {
  known_.push_back(key);
  if (!table_.is_table()) return nullptr;
  const auto& entries = table_.as_table();
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

void TomlReader::error_at(const std::string& key, const std::string& message) {
  const toml::value* value = nullptr;
  if (table_.is_table()) {
    auto it = table_.as_table().find(key);
    if (it != table_.as_table().end()) value = &it->second;
  }
  const std::string dotted = name_.empty() ? key : name_ + "." + key;
  errors_->push_back(where(value ? *value : table_) + ": " + dotted + ": " + message);
}

void TomlReader::read(const std::string& key, std::string& out) {
  if (const auto* value = find(key)) {
    if (value->is_string()) out = value->as_string().str;
    else error_at(key, "expected a string");
  }
}

void TomlReader::read(const std::string& key, bool& out) {
  if (const auto* value = find(key)) {
    if (value->is_boolean()) out = value->as_boolean();
    else error_at(key, "expected true or false");
  }
}

void TomlReader::read(const std::string& key, int64_t& out, int64_t min, int64_t max) {
  if (const auto* value = find(key)) {
    if (!value->is_integer()) return error_at(key, "expected an integer");
    const int64_t number = value->as_integer();
    if (number < min || number > max)
      return error_at(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    out = number;
  }
}

void TomlReader::read(const std::string& key, int& out, long min, long max) {
  int64_t wide = out;
  read(key, wide, min, max);
  out = static_cast<int>(wide);
}

void TomlReader::read(const std::string& key, double& out, double min, double max) {
  if (const auto* value = find(key)) {
    double number;
    if (value->is_floating()) number = value->as_floating();
    else if (value->is_integer()) number = static_cast<double>(value->as_integer());
    else return error_at(key, "expected a number");
    if (number < min || number > max)
      return error_at(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    out = number;
  }
}

void TomlReader::read(const std::string& key, std::vector<std::string>& out) {
  if (const auto* value = find(key)) {
    if (!value->is_array()) return error_at(key, "expected an array of strings");
    std::vector<std::string> items;
    for (const auto& item : value->as_array()) {
      if (!item.is_string()) return error_at(key, "expected an array of strings");
      items.push_back(item.as_string().str);
    }
    out = std::move(items);
  }
}

const toml::value* TomlReader::table(const std::string& key) {
  const auto* value = find(key);
  if (value && !value->is_table()) {
    error_at(key, "expected a table");
    return nullptr;
  }
  return value;
}

std::vector<const toml::value*> TomlReader::tables(const std::string& key) {
  std::vector<const toml::value*> out;
  const auto* value = find(key);
  if (!value) return out;
  if (value->is_array())
    for (const auto& item : value->as_array())
      if (item.is_table()) out.push_back(&item);
  if (!value->is_array() || out.size() != value->as_array().size()) {
    error_at(key, "expected an array of tables ([[" + (name_.empty() ? key : name_ + "." + key) + "]])");
    out.clear();
  }
  return out;
}

void TomlReader::reject_unknown_keys() {
  if (!table_.is_table()) return;
  for (const auto& [key, value] : table_.as_table()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    const std::string dotted = name_.empty() ? key : name_ + "." + key;
    errors_->push_back(where(value) + ": unknown setting '" + dotted + "'");
  }
}

}  // namespace spamgate

// scripts/bench: collects every measurement, prints the side-by-side table
// and the targets (measured vs target, never asserted), and writes them as
// JSON (and a gnuplot chart when gnuplot is installed).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "system_bench_wrk.h"

namespace bench {

struct Row {
  Row(std::string section_, std::string stack_, int connections_, WrkFigures figures_, std::string ratio_ = "",
      std::string note_ = "")
      : section(std::move(section_)), stack(std::move(stack_)), connections(connections_),
        figures(std::move(figures_)), ratio(std::move(ratio_)), note(std::move(note_)) {}
  std::string section;   // "reject", "pass-through", ...
  std::string stack;     // what served, e.g. "nginx return 403"
  int connections = 0;
  WrkFigures figures;
  std::string ratio;     // e.g. "0.85x floor"; "" when there is no baseline
  std::string note;
};

struct Target {
  std::string name;
  std::string measured;
  std::string target;
  bool met = false;
  bool measured_ok = true;  // false: the measurement itself failed
};

class Report {
 public:
  // Adds a row and prints it at once (the run is long; show progress).
  Row& add(Row row);
  void add_target(Target target);
  void add_extra(const std::string& key, nlohmann::json value) { extra_[key] = std::move(value); }
  void add_note(const std::string& note) { notes_.push_back(note); }
  // The row of `section` / `stack` at `connections`, or null.
  const Row* find(const std::string& section, const std::string& stack, int connections) const;

  void print_table() const;
  void print_targets() const;
  // Writes `path` (JSON); returns false when it cannot.
  bool write_json(const std::string& path) const;
  // Writes a gnuplot bar chart of requests/s next to the JSON when gnuplot exists.
  void write_chart(const std::string& dir) const;

 private:
  std::vector<Row> rows_;
  std::vector<Target> targets_;
  std::vector<std::string> notes_;
  nlohmann::json extra_ = nlohmann::json::object();
};

std::string fixed(double value, int decimals);
// "+0.120 ms" / "-1.50 ms".
std::string signed_ms(double value, int decimals);

}  // namespace bench

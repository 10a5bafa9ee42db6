#include "system_bench_report.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "harness/process.h"

namespace bench {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string signed_ms(double value, int decimals) {
  std::string text = value >= 0 ? "+" : "";
  text += fixed(value, decimals);
  text += " ms";
  return text;
}

namespace {

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string errors_text(const WrkFigures& f) {
  if (!f.ok) return "FAILED";
  std::string text = std::to_string(f.socket_errors);
  if (f.counted) text += " 5xx:" + std::to_string(f.s5xx);
  return text;
}

void print_row(const Row& row) {
  const WrkFigures& f = row.figures;
  std::cout << pad(row.section, 14) << pad(row.stack, 52) << pad(std::to_string(row.connections), 6)
            << pad(f.ok ? fixed(f.rps, 0) : "-", 10) << pad(f.ok ? fixed(f.p50_ms, 2) : "-", 9)
            << pad(f.ok ? fixed(f.p99_ms, 2) : "-", 9)
            << pad(f.ok && f.server_cpu_us >= 0 ? fixed(f.server_cpu_us, 1) : "-", 8) << pad(errors_text(f), 10) << pad(row.ratio, 22) << row.note
            << (f.ok ? "" : " " + f.error) << "\n";
}

void print_header() {
  std::cout << pad("section", 14) << pad("stack", 52) << pad("conns", 6) << pad("req/s", 10) << pad("p50 ms", 9)
            << pad("p99 ms", 9)
            << pad("cpu us", 8) << pad("errors", 10) << pad("ratio", 22) << "note\n";
}

nlohmann::json row_json(const Row& row) {
  const WrkFigures& f = row.figures;
  nlohmann::json j = {{"section", row.section}, {"stack", row.stack}, {"connections", row.connections},
                      {"ok", f.ok},           {"ratio", row.ratio}, {"note", row.note}};
  if (!f.ok) {
    j["error"] = f.error;
    return j;
  }
  j.update({{"requests", f.requests}, {"seconds", f.seconds}, {"requests_per_second", f.rps},
            {"p50_ms", f.p50_ms}, {"p90_ms", f.p90_ms}, {"p99_ms", f.p99_ms}, {"max_ms", f.max_ms},
            {"socket_errors", f.socket_errors}, {"non_2xx_3xx", f.non_2xx_3xx}});
  if (f.server_cpu_us >= 0) j["server_cpu_us_per_request"] = f.server_cpu_us;
  if (f.counted) j["status_classes"] = {{"2xx", f.s2xx}, {"3xx", f.s3xx}, {"4xx", f.s4xx}, {"5xx", f.s5xx}};
  return j;
}

}  // namespace

Row& Report::add(Row row) {
  if (rows_.empty()) print_header();
  print_row(row);
  std::cout.flush();
  rows_.push_back(std::move(row));
  return rows_.back();
}

void Report::add_target(Target target) { targets_.push_back(std::move(target)); }

const Row* Report::find(const std::string& section, const std::string& stack, int connections) const {
  for (const Row& row : rows_)
    if (row.section == section && row.stack == stack && row.connections == connections && row.figures.ok &&
        row.figures.requests > 0) return &row;
  return nullptr;
}

void Report::print_table() const {
  std::cout << "\n== results\n";
  print_header();
  for (const Row& row : rows_) print_row(row);
  for (const std::string& note : notes_) std::cout << "note: " << note << "\n";
}

void Report::print_targets() const {
  std::cout << "\n== targets (measured vs target; reported, not asserted)\n";
  for (const Target& t : targets_)
    std::cout << pad(t.measured_ok ? (t.met ? "met" : "MISSED") : "NOT MEASURED", 14) << pad(t.name, 48)
              << pad(t.measured, 44) << "target " << t.target << "\n";
}

bool Report::write_json(const std::string& path) const {
  nlohmann::json j = extra_;
  j["rows"] = nlohmann::json::array();
  for (const Row& row : rows_) j["rows"].push_back(row_json(row));
  j["targets"] = nlohmann::json::array();
  for (const Target& t : targets_)
    j["targets"].push_back({{"name", t.name}, {"measured", t.measured}, {"target", t.target}, {"met", t.met},
                            {"measured_ok", t.measured_ok}});
  j["notes"] = notes_;
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  return static_cast<bool>(out);
}

void Report::write_chart(const std::string& dir) const {
  if (harness::find_program("gnuplot").empty()) return;
  std::string data;
  for (const Row& row : rows_)
    if (row.figures.ok)
      data += "\"" + row.section + ": " + row.stack + " c" + std::to_string(row.connections) + "\" " +
              fixed(row.figures.rps, 1) + "\n";
  harness::write_file(dir + "/bench-rps.dat", data);
  harness::write_file(dir + "/bench-rps.gnuplot",
                      "set terminal png size 1400,800\nset output '" + dir + "/bench-rps.png'\n"
                      "set style data histograms\nset style fill solid\nset boxwidth 0.8\nset logscale y\n"
                      "set ylabel 'requests/s (log)'\nset xtics rotate by -60 font ',8'\nset key off\n"
                      "set bmargin 18\nset rmargin 14\nplot '" + dir + "/bench-rps.dat' using 2:xtic(1)\n");
  std::string output;
  if (harness::run("gnuplot '" + dir + "/bench-rps.gnuplot'", &output) == 0)
    std::cout << "chart: " << dir << "/bench-rps.png\n";
}

}  // namespace bench

// MetricRegistry: gauges and counters a module owns, read at scrape time
// and written out in the Prometheus text format. Each module registers its
// own (a `register_metrics(MetricRegistry&)` beside the counters it keeps);
// the http layer's Metrics adds the request counters in front of them.
// Never calls a reader outside render(), and registration is for start-up
// only (not thread-safe against a concurrent render).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace spamgate {

class MetricRegistry {
 public:
  // A gauge or counter owned elsewhere: name, help text, type ("counter" or
  // "gauge"), and a reader. The reader's owner must outlive the registry.
  void add_external(std::string name, std::string help, std::string type, std::function<double()> read);

 protected:
  // Every registered metric, in the order it was registered.
  void render_registered(std::ostream& out) const;

 private:
  struct External {
    std::string name, help, type;
    std::function<double()> read;
  };
  std::vector<External> externals_;
};

}  // namespace spamgate

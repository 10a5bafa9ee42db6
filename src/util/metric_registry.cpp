#include "util/metric_registry.h"

namespace spamgate {

void MetricRegistry::add_external(std::string name, std::string help, std::string type,
                                  std::function<double()> read) {
  externals_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

void MetricRegistry::render_registered(std::ostream& out) const {
  for (const auto& external : externals_)
    out << "# HELP " << external.name << " " << external.help << "\n# TYPE " << external.name << " " << external.type
        << "\n" << external.name << " " << external.read() << "\n";
}

}  // namespace spamgate

#include "harness/apache.h"

#include <unistd.h>

#include <stdexcept>

namespace harness {
namespace {

const char* kModuleDir = "/usr/lib/apache2/modules";

std::string load_module(const std::string& name) {
  return "LoadModule " + name + "_module " + kModuleDir + "/mod_" + name + ".so\n";
}

}  // namespace

Apache::Apache(ApacheOptions options) : WebServer("spamgate-apache") {
  const std::string program = find_program("apache2");
  if (program.empty()) throw std::runtime_error("apache2 not found (apt-get install apache2)");
  const std::string& d = dir_->path();
  run("mkdir -p '" + d + "/run'");

  std::string conf;
  conf += "ServerRoot " + d + "\n";
  conf += "DefaultRuntimeDir " + d + "/run\n";
  conf += "PidFile " + d + "/apache2.pid\n";
  conf += "Listen 127.0.0.1:" + std::to_string(port_) + "\n";
  conf += "ServerName 127.0.0.1\n";
  conf += "ErrorLog " + d + "/error.log\n";
  conf += "LogLevel warn\n";
  conf += "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\n";
  conf += "CustomLog " + d + "/access.log common\n";
  for (const char* name : {"mpm_event", "authz_core", "authz_host", "mime", "dir", "alias", "setenvif"})
    conf += load_module(name);
  for (const auto& name : options.modules) conf += load_module(name);
  // Apache will not run its children as root; as root they become nobody.
  if (geteuid() == 0) conf += "User nobody\nGroup nogroup\n";
  conf += "StartServers 1\nServerLimit 2\nThreadsPerChild 16\nMaxRequestWorkers 32\n";
  conf += "TypesConfig /etc/mime.types\n";
  conf += "DirectoryIndex index.php index.html\n";
  conf += "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n";
  if (!options.document_root.empty()) {
    conf += "DocumentRoot \"" + options.document_root + "\"\n";
    conf += "<Directory \"" + options.document_root + "\">\n    Require all granted\n</Directory>\n";
  }
  conf += options.config_body + "\n";
  write_file(d + "/apache2.conf", conf);

  std::string output;
  if (run("'" + program + "' -d '" + d + "' -f '" + d + "/apache2.conf' -t", &output) != 0)
    throw std::runtime_error("apache2 config test failed: " + output + "\n--- apache2.conf ---\n" + conf);
  process_ = Process({program, "-d", d, "-f", d + "/apache2.conf", "-DFOREGROUND"}, d + "/apache2.out");
}

}  // namespace harness

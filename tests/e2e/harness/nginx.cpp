#include "harness/nginx.h"

#include "harness/php_fpm.h"

#include <unistd.h>

#include <stdexcept>

namespace harness {

std::string fastcgi_location(const std::string& match, const std::string& address, const std::string& extra) {
  return "location " + match + " {\n  include fastcgi_params;\n" + extra + "  fastcgi_pass " + address + ";\n}\n";
}

std::string echo_comment_location(const std::string& address) {
  return fastcgi_location("= /wp-comments-post.php", address, "  fastcgi_param SCRIPT_FILENAME " + echo_script() + ";\n");
}

std::string fastcgi_params_text() {
  const std::string system_copy = "/etc/nginx/fastcgi_params";
  if (file_exists(system_copy)) return read_file_or_empty(system_copy);
  return R"(fastcgi_param  QUERY_STRING       $query_string;
fastcgi_param  REQUEST_METHOD     $request_method;
fastcgi_param  CONTENT_TYPE       $content_type;
fastcgi_param  CONTENT_LENGTH     $content_length;
fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;
fastcgi_param  REQUEST_URI        $request_uri;
fastcgi_param  DOCUMENT_URI       $document_uri;
fastcgi_param  DOCUMENT_ROOT      $document_root;
fastcgi_param  SERVER_PROTOCOL    $server_protocol;
fastcgi_param  REQUEST_SCHEME     $scheme;
fastcgi_param  HTTPS              $https if_not_empty;
fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;
fastcgi_param  REMOTE_ADDR        $remote_addr;
fastcgi_param  REMOTE_PORT        $remote_port;
fastcgi_param  SERVER_ADDR        $server_addr;
fastcgi_param  SERVER_PORT        $server_port;
fastcgi_param  SERVER_NAME        $server_name;
fastcgi_param  REDIRECT_STATUS    200;
)";
}

Nginx::Nginx(NginxOptions options) : WebServer("spamgate-nginx") {
  const std::string program = find_program("nginx");
  if (program.empty()) throw std::runtime_error("nginx not found (apt-get install nginx-light)");
  const std::string& d = dir_->path();

  std::string conf;
  // Workers must read the TempDir and the test's document root; as root the
  // default user (nobody / www-data) could not, so keep root.
  if (geteuid() == 0) conf += "user root;\n";
  conf += "worker_processes " + std::to_string(options.worker_processes) + ";\n";
  conf += "pid " + d + "/nginx.pid;\n";
  conf += "error_log " + d + "/error.log info;\n";
  conf += "events { worker_connections " + std::to_string(options.worker_connections) + "; }\n";
  conf += "http {\n";
  conf += "  access_log " + d + "/access.log;\n";
  conf += "  client_body_temp_path " + d + "/client_body;\n";
  conf += "  proxy_temp_path " + d + "/proxy;\n";
  conf += "  fastcgi_temp_path " + d + "/fastcgi;\n";
  conf += "  uwsgi_temp_path " + d + "/uwsgi;\n";
  conf += "  scgi_temp_path " + d + "/scgi;\n";
  conf += "  default_type application/octet-stream;\n";
  conf += "  client_max_body_size 16m;\n";
  conf += options.http_extra + "\n";
  conf += "  server {\n";
  conf += "    listen 127.0.0.1:" + std::to_string(port_) + ";\n";
  conf += "    server_name localhost;\n";
  conf += options.server_body + "\n";
  conf += "  }\n}\n";
  write_file(d + "/nginx.conf", conf);
  write_file(d + "/fastcgi_params", fastcgi_params_text());

  // The config file sets no `daemon`, so -g may set it without a "duplicate" error.
  // -e keeps even the earliest startup messages out of /var/log/nginx.
  std::vector<std::string> base = {program, "-p", d + "/", "-e", d + "/error.log", "-c", d + "/nginx.conf"};
  std::string check_output;
  std::string check_command;
  for (const auto& arg : base) check_command += "'" + arg + "' ";
  if (run(check_command + "-t", &check_output) != 0)
    throw std::runtime_error("nginx config test failed: " + check_output + "\n--- nginx.conf ---\n" + conf);

  base.push_back("-g");
  base.push_back("daemon off; master_process on;");
  process_ = Process(base, d + "/nginx.out");
}

}  // namespace harness

#include "harness/php_fpm.h"

#include <signal.h>
#include <unistd.h>

#include <stdexcept>

namespace harness {

PhpFpm::PhpFpm(PhpFpmOptions options) : options_(std::move(options)), dir_(std::make_unique<TempDir>("spamgate-fpm")) {
  program_ = find_program("php-fpm8.2");
  if (program_.empty()) throw std::runtime_error("php-fpm8.2 not found (apt-get install php8.2-fpm)");
  if (options_.unix_socket) {
    socket_path_ = *dir_ / "php-fpm.sock";
  } else {
    port_ = free_port();
  }
  const std::string listen = options_.unix_socket ? socket_path_ : "127.0.0.1:" + std::to_string(port_);
  const bool root = geteuid() == 0;

  std::string conf;
  conf += "[global]\n";
  conf += "pid = " + (*dir_ / "php-fpm.pid") + "\n";
  conf += "error_log = " + (*dir_ / "php-fpm.log") + "\n";
  conf += "log_level = notice\n";
  conf += "daemonize = no\n";
  conf += "\n[test]\n";
  if (root) conf += "user = root\ngroup = root\n";
  conf += "listen = " + listen + "\n";
  conf += "listen.backlog = 128\n";
  if (options_.unix_socket) conf += "listen.mode = 0666\n";
  conf += "pm = " + options_.pm + "\n";
  conf += "pm.max_children = " + std::to_string(options_.children) + "\n";
  if (options_.pm == "dynamic") {
    conf += "pm.start_servers = 1\npm.min_spare_servers = 1\npm.max_spare_servers = " +
            std::to_string(options_.children) + "\n";
  }
  if (options_.pm == "ondemand") conf += "pm.process_idle_timeout = 10s\n";
  conf += "pm.max_requests = " + std::to_string(options_.max_requests) + "\n";
  conf += "request_terminate_timeout = " + std::to_string(options_.request_terminate_timeout_seconds) + "\n";
  conf += "catch_workers_output = yes\n";
  // No error_log: PHP's messages (error_log(), warnings) then go back to the
  // web server as FastCGI STDERR records, as with Debian's default pool.
  conf += "php_admin_flag[log_errors] = on\n";
  for (const auto& [name, value] : options_.ini) conf += "php_admin_value[" + name + "] = " + value + "\n";
  for (const auto& [name, value] : options_.env) conf += "env[" + name + "] = " + value + "\n";
  write_file(*dir_ / "php-fpm.conf", conf);
  start();
}

PhpFpm::~PhpFpm() { stop(); }

void PhpFpm::start() {
  if (options_.unix_socket) ::unlink(socket_path_.c_str());
  std::vector<std::string> argv = {program_, "-F", "-y", *dir_ / "php-fpm.conf", "-p", dir_->path()};
  if (geteuid() == 0) argv.push_back("-R");
  process_ = Process(argv, *dir_ / "php-fpm.out");
}

bool PhpFpm::wait_until_listening(std::chrono::milliseconds timeout) {
  return options_.unix_socket ? wait_for_unix_socket(socket_path_, timeout) : wait_for_port(port_, timeout);
}

void PhpFpm::stop() { process_.stop(); }

void PhpFpm::kill9() {
  const pid_t pid = process_.pid();
  if (pid > 0) ::kill(-pid, SIGKILL);  // the master made its own process group
  process_.stop();
}

bool PhpFpm::restart() {
  stop();
  start();
  return wait_until_listening();
}

bool PhpFpm::running() { return process_.running(); }

std::string echo_script() { return std::string(SPAMGATE_SOURCE_DIR) + "/tests/e2e/php/echo.php"; }

std::string PhpFpm::address() const {
  return options_.unix_socket ? "unix:" + socket_path_ : "127.0.0.1:" + std::to_string(port_);
}

std::string PhpFpm::error_log() const { return read_file_or_empty(*dir_ / "php-fpm.log"); }

std::string PhpFpm::output() const { return read_file_or_empty(*dir_ / "php-fpm.out"); }

}  // namespace harness

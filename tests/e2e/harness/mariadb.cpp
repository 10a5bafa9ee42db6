#include "harness/mariadb.h"

#include <pwd.h>
#include <unistd.h>

#include <stdexcept>

namespace harness {
namespace {

std::string os_user() {
  const passwd* entry = getpwuid(geteuid());
  return entry ? entry->pw_name : "root";
}

}  // namespace

std::string sql_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

MariaDb::MariaDb() : dir_(std::make_unique<TempDir>("spamgate-mariadb")), admin_user_(os_user()) {
  const std::string server = find_program("mariadbd");
  const std::string install = find_program("mariadb-install-db");
  client_ = find_program("mariadb");
  if (server.empty() || install.empty() || client_.empty())
    throw std::runtime_error("mariadbd, mariadb-install-db or mariadb not found (apt-get install mariadb-server mariadb-client)");
  const std::string& d = dir_->path();
  socket_path_ = d + "/mysqld.sock";
  port_ = free_port();

  std::string output;
  const std::string command = shell_quote(install) + " --no-defaults --datadir=" + shell_quote(d + "/data") +
                              " --user=" + shell_quote(admin_user_) + " --auth-root-authentication-method=socket" +
                              " --auth-root-socket-user=" + shell_quote(admin_user_) + " --skip-test-db";
  if (run(command, &output) != 0) throw std::runtime_error("mariadb-install-db failed:\n" + output);

  process_ = Process({server, "--no-defaults", "--datadir=" + d + "/data", "--socket=" + socket_path_,
                      "--port=" + std::to_string(port_), "--bind-address=127.0.0.1", "--pid-file=" + d + "/mysqld.pid",
                      "--log-error=" + d + "/error.log", "--user=" + admin_user_, "--skip-name-resolve",
                      "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--skip-log-bin",
                      "--max-connections=50"},
                     d + "/mariadbd.out");
}

MariaDb::~MariaDb() { stop(); }

bool MariaDb::wait_until_ready(std::chrono::milliseconds timeout) {
  if (!wait_for_unix_socket(socket_path_, timeout)) return false;
  return eventually([&] { return sql("SELECT 1") == 0; }, std::chrono::seconds(10));
}

void MariaDb::stop() { process_.stop(std::chrono::seconds(10)); }

int MariaDb::sql(const std::string& statements, std::string* output, const std::string& database) {
  const std::string script = dir_->path() + "/query.sql";
  write_file(script, statements);
  std::string command = shell_quote(client_);  // appended piecewise: GCC 12 -Wrestrict false positive
  command.append(" --no-defaults -S ").append(shell_quote(socket_path_));
  command.append(" -u ").append(shell_quote(admin_user_)).append(" -N -B");
  if (!database.empty()) command.append(" ").append(shell_quote(database));
  command.append(" < ").append(shell_quote(script));
  return run(command, output);
}

bool MariaDb::create_database(const std::string& name, const std::string& user, const std::string& password,
                              std::string* error) {
  std::string statements = "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4;\n";
  for (const char* host : {"localhost", "127.0.0.1"}) {
    const std::string account = sql_quote(user) + "@" + sql_quote(host);
    statements += "CREATE USER " + account + " IDENTIFIED BY " + sql_quote(password) + ";\n";
    statements += "GRANT ALL PRIVILEGES ON `" + name + "`.* TO " + account + ";\n";
  }
  std::string output;
  const bool ok = sql(statements, &output) == 0;
  if (!ok && error) *error = output;
  return ok;
}

std::string MariaDb::error_log() const { return read_file_or_empty(*dir_ / "error.log"); }

}  // namespace harness

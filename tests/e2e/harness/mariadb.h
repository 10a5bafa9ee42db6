// Test harness: a private MariaDB server (mariadbd) whose datadir, socket,
// pid file and log live in a TempDir, listening on a unix socket and
// 127.0.0.1:<free port>. Never touches the system's MariaDB or /etc/mysql.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "harness/process.h"

namespace harness {

class MariaDb {
 public:
  // Initialises a datadir with mariadb-install-db (no test db; the OS user
  // running the test gets an all-privilege account authenticated by the
  // unix socket) and starts mariadbd. Throws std::runtime_error when a
  // program is missing or the datadir cannot be initialised (the message
  // holds the tool's output). Call wait_until_ready() before queries.
  MariaDb();
  ~MariaDb();
  MariaDb(const MariaDb&) = delete;
  MariaDb& operator=(const MariaDb&) = delete;

  // True once the server answers a query; false after `timeout`.
  bool wait_until_ready(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGTERM (clean shutdown), SIGKILL after 10 s.
  void stop();

  // Runs SQL as the admin account; returns the client's exit status. Rows
  // go to `output` tab-separated without column names (mariadb -N -B).
  int sql(const std::string& statements, std::string* output = nullptr, const std::string& database = "");
  // CREATE DATABASE `name` and a user `user`@localhost and @127.0.0.1 with
  // every privilege on it. False when a statement fails; the client's
  // complaint then goes to `error`.
  bool create_database(const std::string& name, const std::string& user, const std::string& password,
                       std::string* error = nullptr);

  const std::string& socket_path() const { return socket_path_; }
  int port() const { return port_; }
  const std::string& dir() const { return dir_->path(); }
  std::string error_log() const;

 private:
  std::unique_ptr<TempDir> dir_;
  std::string socket_path_;
  std::string admin_user_;
  std::string client_;
  int port_ = 0;
  Process process_;
};

// Quotes `text` as a single-quoted SQL string literal (backslashes and quotes escaped).
std::string sql_quote(const std::string& text);

}  // namespace harness

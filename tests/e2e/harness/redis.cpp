#include "harness/redis.h"

#include <signal.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace harness {
namespace {

const char* const kCli = "/usr/bin/redis-cli";

}  // namespace

Redis::Redis() : dir_(std::make_unique<TempDir>("spamgate-redis")) {
  program_ = find_program("redis-server");
  if (program_.empty()) throw std::runtime_error("redis-server not found (apt-get install redis-server)");
  port_ = free_port();
  const std::string& d = dir_->path();
  std::string conf;
  conf += "bind 127.0.0.1\n";
  conf += "port " + std::to_string(port_) + "\n";
  conf += "unixsocket " + d + "/redis.sock\n";  // beside the port, for a node on the same machine
  conf += "unixsocketperm 700\n";
  conf += "daemonize no\n";
  conf += "supervised no\n";
  conf += "pidfile " + d + "/redis.pid\n";
  conf += "dir " + d + "\n";
  conf += "logfile \"\"\n";  // stdout: the Process's log file
  conf += "loglevel notice\n";
  conf += "save \"\"\n";
  conf += "appendonly no\n";
  conf += "databases 16\n";
  write_file(d + "/redis.conf", conf);
  start();
  if (!wait_until_ready()) {
    const std::string output = log();
    process_.stop();
    throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ":\n" + output);
  }
}

Redis::~Redis() { stop(); }

void Redis::start() {
  process_ = Process({program_, dir_->path() + "/redis.conf"}, dir_->path() + "/redis.log");
}

bool Redis::wait_until_ready(std::chrono::milliseconds timeout) {
  return eventually([&] { return process_.running() && ping(); }, timeout);
}

void Redis::kill9() {
  process_.signal(SIGKILL);
  process_.wait(std::chrono::seconds(5));
}

void Redis::stop() { process_.stop(); }

bool Redis::restart() {
  stop();
  start();
  return wait_until_ready();
}

bool Redis::running() { return process_.running(); }

bool Redis::ping() const {
  std::string output;
  return run(std::string(kCli) + " -p " + std::to_string(port_) + " PING", &output) == 0 && output == "PONG\n";
}

std::string Redis::cli(const std::vector<std::string>& args) const {
  std::string command = std::string(kCli) + " -p " + std::to_string(port_);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  std::string output;
  run(command, &output);
  return output;
}

std::vector<std::string> Redis::keys(const std::string& pattern) const {
  std::vector<std::string> out;
  std::istringstream lines(cli({"--scan", "--pattern", pattern}));
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) out.push_back(line);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace harness

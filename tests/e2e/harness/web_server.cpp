#include "harness/web_server.h"

namespace harness {

WebServer::WebServer(const std::string& temp_prefix)
    : dir_(std::make_unique<TempDir>(temp_prefix)), port_(free_port()) {}

bool WebServer::wait_until_listening(std::chrono::milliseconds timeout) { return wait_for_port(port_, timeout); }

std::string WebServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string WebServer::error_log() const { return read_file_or_empty(*dir_ / "error.log") + process_.log(); }

std::string WebServer::access_log() const { return read_file_or_empty(*dir_ / "access.log"); }

}  // namespace harness

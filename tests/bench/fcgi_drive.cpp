// A fixed number of comment POSTs straight to a FastCGI server, with the
// params nginx sends (Debian's fastcgi_params, the Host, Content-Type and
// Content-Length headers), one fresh connection per request as nginx opens
// without fastcgi_keep_conn. For load-independent profiles (callgrind,
// allocation counts, CPU per request) of spamgate and the FastCGI floor.
// Usage: fcgi_drive HOST:PORT BODIES_FILE COUNT [CONNECTIONS [SCRIPT_FILENAME]]
// BODIES_FILE: one urlencoded comment form per line (scripts/bench's spam.txt
// or ham.txt); each request adds a distinct author and e-mail. SCRIPT_FILENAME:
// the PHP script a passed comment goes to (as nginx's fastcgi_param). With
// FCGI_DRIVE_KEEP_CONN=1 in the environment each connection is kept for the
// next request (FCGI_KEEP_CONN, as nginx's fastcgi_keep_conn on). Prints the
// answers per status class; exits 1 when a request failed.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "upstream/fastcgi_client.h"

namespace {

spamgate::fcgi::Params nginx_params(const std::string& body, const std::string& script) {
  spamgate::fcgi::Params params = {{"QUERY_STRING", ""},
          {"REQUEST_METHOD", "POST"},
          {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
          {"CONTENT_LENGTH", std::to_string(body.size())},
          {"SCRIPT_NAME", "/wp-comments-post.php"},
          {"REQUEST_URI", "/wp-comments-post.php"},
          {"DOCUMENT_URI", "/wp-comments-post.php"},
          {"DOCUMENT_ROOT", "/usr/share/nginx/html"},
          {"SERVER_PROTOCOL", "HTTP/1.1"},
          {"REQUEST_SCHEME", "http"},
          {"GATEWAY_INTERFACE", "CGI/1.1"},
          {"SERVER_SOFTWARE", "nginx/1.22.1"},
          {"REMOTE_ADDR", "127.0.0.1"},
          {"REMOTE_PORT", "51234"},
          {"REMOTE_USER", ""},
          {"SERVER_ADDR", "127.0.0.1"},
          {"SERVER_PORT", "8080"},
          {"SERVER_NAME", "localhost"},
          {"REDIRECT_STATUS", "200"},
          {"HTTP_HOST", "127.0.0.1"},
          {"HTTP_CONTENT_TYPE", "application/x-www-form-urlencoded"},
          {"HTTP_CONTENT_LENGTH", std::to_string(body.size())}};
  if (!script.empty()) params.emplace_back("SCRIPT_FILENAME", script);
  return params;
}

int status_of(const std::string& cgi_output) {
  if (cgi_output.rfind("Status: ", 0) == 0) return std::atoi(cgi_output.c_str() + 8);
  return 200;
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
  if (argc < 4 || argc > 6) {
    std::fprintf(help ? stdout : stderr,
                 "usage: fcgi_drive HOST:PORT BODIES_FILE COUNT [CONNECTIONS [SCRIPT_FILENAME]]\n");
    return help ? 0 : 2;
  }
  std::vector<std::string> bodies;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) bodies.push_back(line);
  const long count = std::atol(argv[3]);
  const int connections = argc >= 5 ? std::max(1, std::atoi(argv[4])) : 1;
  const std::string script = argc == 6 ? argv[5] : "";
  if (bodies.empty() || count < 0) {
    std::fprintf(stderr, "fcgi_drive: no bodies in %s\n", argv[2]);
    return 2;
  }
  spamgate::UpstreamConfig config;
  config.address = argv[1];
  config.response_timeout_ms = 600'000;  // under valgrind a request takes long
  const char* keep = std::getenv("FCGI_DRIVE_KEEP_CONN");
  if (keep && std::strcmp(keep, "1") == 0) config.keepalive_connections = connections;
  spamgate::FastCgiClient client(config);

  std::atomic<long> next{0}, failed{0};
  std::atomic<long> by_class[6] = {};
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t)
    threads.emplace_back([&] {
      for (long i; (i = next++) < count;) {
        const std::string who = std::to_string(i);
        std::string body = bodies[static_cast<size_t>(i) % bodies.size()];
        body.append("&author=Visitor+").append(who).append("&email=visitor").append(who).append("%40example.org");
        const spamgate::UpstreamResponse answer = client.forward(nginx_params(body, script), body);
        if (!answer.ok()) {
          if (failed++ == 0) std::fprintf(stderr, "fcgi_drive: %s\n", answer.reason.c_str());
          continue;
        }
        ++by_class[std::min(status_of(answer.output) / 100, 5)];
      }
    });
  for (auto& thread : threads) thread.join();
  std::printf("requests %ld: 2xx %ld, 3xx %ld, 4xx %ld, 5xx %ld, failed %ld\n", count, by_class[2].load(),
              by_class[3].load(), by_class[4].load(), by_class[5].load(), failed.load());
  return failed ? 1 : 0;
}

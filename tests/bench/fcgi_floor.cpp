// The FastCGI floor for scripts/bench: the least a libfcgi responder can do
// per request (accept, read the body, answer 403) with N threads calling
// FCGX_Accept_r, the same way spamgate's FcgiServer does. Never scores.
// Usage: fcgi_floor 127.0.0.1:PORT THREADS
#include <fcgiapp.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr char kAnswer[] =
    "Status: 403 Forbidden\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    "<!doctype html><title>Not accepted</title><p>Your comment was not accepted.</p>\n";

void serve(int listen_fd) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd, 0);
  char buffer[16384];
  while (FCGX_Accept_r(&request) == 0) {
    while (FCGX_GetStr(buffer, sizeof buffer, request.in) > 0) {
    }
    FCGX_PutStr(kAnswer, sizeof kAnswer - 1, request.out);
    FCGX_Finish_r(&request);
  }
  FCGX_Free(&request, 1);
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
  if (argc != 3) {
    std::fprintf(help ? stdout : stderr, "usage: fcgi_floor HOST:PORT THREADS  (the bare libfcgi responder scripts/bench compares with)\n");
    return help ? 0 : 2;
  }
  const int threads = std::atoi(argv[2]);
  if (FCGX_Init() != 0 || threads < 1) return 2;
  const int listen_fd = FCGX_OpenSocket(argv[1], 256);
  if (listen_fd < 0) {
    std::fprintf(stderr, "fcgi_floor: cannot listen on %s\n", argv[1]);
    return 1;
  }
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(serve, listen_fd);
  for (auto& worker : workers) worker.join();
  return 0;
}

// The FastCGI floor for scripts/bench: the least a libfcgi responder can do
// per request (accept, read the body, answer 403) with N threads calling
// FCGX_Accept_r, the same way spamgate's FcgiServer does. Never scores.
// With "tuned", it also handles sockets as spamgate does (TCP_DEFER_ACCEPT,
// a plain close once the input is read), to tell that gain from the rest.
// Usage: fcgi_floor 127.0.0.1:PORT THREADS [tuned]
#include <fcgiapp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

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

bool tuned = false;

void serve(int listen_fd) {
  FCGX_Request request;
  FCGX_InitRequest(&request, listen_fd, 0);
  char buffer[16384];
  while (FCGX_Accept_r(&request) == 0) {
    while (FCGX_GetStr(buffer, sizeof buffer, request.in) > 0) {
    }
    FCGX_PutStr(kAnswer, sizeof kAnswer - 1, request.out);
    if (tuned && FCGX_GetError(request.in) == 0 && FCGX_HasSeenEOF(request.in) == EOF) FCGX_Detach(&request);
    FCGX_Finish_r(&request);
  }
  FCGX_Free(&request, 1);
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0);
  if (argc != 3 && !(argc == 4 && std::strcmp(argv[3], "tuned") == 0)) {
    std::fprintf(help ? stdout : stderr,
                 "usage: fcgi_floor HOST:PORT THREADS [tuned]  (the bare libfcgi responder scripts/bench compares with)\n");
    return help ? 0 : 2;
  }
  tuned = argc == 4;
  const int threads = std::atoi(argv[2]);
  if (FCGX_Init() != 0 || threads < 1) return 2;
  const int listen_fd = FCGX_OpenSocket(argv[1], 256);
  if (listen_fd < 0) {
    std::fprintf(stderr, "fcgi_floor: cannot listen on %s\n", argv[1]);
    return 1;
  }
  if (tuned) {
    const int seconds = 10;
    setsockopt(listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
  }
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(serve, listen_fd);
  for (auto& worker : workers) worker.join();
  return 0;
}

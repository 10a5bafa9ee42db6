// An LD_PRELOAD shim for scripts/bench (never linked into spamgate): counts
// every malloc, calloc, realloc and aligned allocation of the process
// (operator new goes through malloc) and, on SIGUSR2, writes
// "allocations=N bytes=M" to the file named by SPAMGATE_ALLOC_COUNT_FILE.
// Two snapshots around a fixed number of requests give allocations per request.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
}

namespace {

std::atomic<uint64_t> allocations{0};
std::atomic<uint64_t> bytes{0};

void count(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  bytes.fetch_add(size, std::memory_order_relaxed);
}

// Async-signal-safe decimal formatting.
char* put_number(char* out, uint64_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) *out++ = digits[--n];
  return out;
}

char* put_text(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

void write_counts(int) {
  const char* path = getenv("SPAMGATE_ALLOC_COUNT_FILE");
  if (!path) return;
  char line[96];
  char* end = put_text(line, "allocations=");
  end = put_number(end, allocations.load());
  end = put_text(end, " bytes=");
  end = put_number(end, bytes.load());
  *end++ = '\n';
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t written = write(fd, line, static_cast<size_t>(end - line));
  close(fd);
}

__attribute__((constructor)) void install() {
  struct sigaction action {};
  action.sa_handler = write_counts;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR2, &action, nullptr);
}

}  // namespace

extern "C" {

void* malloc(size_t size) {
  count(size);
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  count(n * size);
  return __libc_calloc(n, size);
}

void* realloc(void* pointer, size_t size) {
  count(size);
  return __libc_realloc(pointer, size);
}

void* memalign(size_t alignment, size_t size) {
  count(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  void* pointer = memalign(alignment, size);
  if (!pointer) return 12;  // ENOMEM
  *out = pointer;
  return 0;
}

}  // extern "C"

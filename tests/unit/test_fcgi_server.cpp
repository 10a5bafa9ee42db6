// FcgiServer on a unix socket, driven by spamgate's own FastCGI client: of
// its threads only cpu_threads work at once, a request that waits on
// another server (PHP-FPM) gives its slot to the next request, and the
// client gives a slow upstream's wait away (kCpuSlotPatience).
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "http/fcgi_server.h"
#include "upstream/fastcgi_client.h"
#include "util/cpu_slots.h"

using namespace spamgate;
using namespace std::chrono_literals;

namespace {

// A server with 3 threads and 1 CPU slot whose handler, for /waits and
// /works, blocks until release() (/waits gives its slot back first, as the
// comment handler does before forwarding to PHP-FPM).
class BlockingServer {
 public:
  BlockingServer() {
    ServerConfig config;
    config.listen = "unix:" + path_;
    config.threads = 3;
    config.cpu_threads = 1;
    REQUIRE(server_.open(config));
    server_.start([this](HttpRequest& request) { return handle(request); }, LimitsConfig{});
  }
  ~BlockingServer() {
    release();
    server_.stop();
  }

  // POSTs to `path` `times` times, on one kept connection when `keep`;
  // 200 when every answer came.
  std::string address() const { return "unix:" + path_; }

  std::future<int> post(const std::string& path, int times = 1, bool keep = false) {
    return std::async(std::launch::async, [this, path, times, keep] {
      UpstreamConfig upstream;
      upstream.address = "unix:" + path_;
      upstream.keepalive_connections = keep ? 1 : 0;
      FastCgiClient client(upstream);
      const fcgi::Params params = {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", path}, {"CONTENT_LENGTH", "0"}};
      for (int i = 0; i < times; ++i) {
        const UpstreamResponse response = client.forward(params, "");
        if (!response.ok() || response.output.find("\r\n\r\nanswered") == std::string::npos) return 0;
        if (keep && client.idle_connections() != 1) return 0;
      }
      return 200;
    });
  }
  void wait_until_blocked(int count) {
    std::unique_lock lock(mutex_);
    REQUIRE(changed_.wait_for(lock, 5s, [&] { return blocked_ == count; }));
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  HttpResponse handle(HttpRequest& request) {
    if (request.path == "/waits" || request.path == "/works") {
      if (request.path == "/waits") give_back_cpu_slot();
      std::unique_lock lock(mutex_);
      ++blocked_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
    return HttpResponse::text(200, "answered");
  }

  std::string path_ = "/tmp/spamgate-test-fcgi-server-" + std::to_string(getpid()) + ".sock";
  FcgiServer server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int blocked_ = 0;
  bool released_ = false;
};

// POSTs once to `path` at `address` from the calling thread (which may
// hold a CPU slot); true when the answer came.
bool forward_on_this_thread(const std::string& address, const std::string& path) {
  UpstreamConfig upstream;
  upstream.address = address;
  upstream.keepalive_connections = 0;
  FastCgiClient client(upstream);
  const fcgi::Params params = {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", path}, {"CONTENT_LENGTH", "0"}};
  return client.forward(params, "").ok();
}

}  // namespace

TEST_CASE("requests waiting on PHP-FPM give up their CPU slot: the next request is answered meanwhile") {
  BlockingServer server;
  auto first = server.post("/waits");
  auto second = server.post("/waits");
  server.wait_until_blocked(2);
  auto spam = server.post("/rejected");
  REQUIRE(spam.wait_for(5s) == std::future_status::ready);
  CHECK(spam.get() == 200);
  server.release();
  CHECK(first.get() == 200);
  CHECK(second.get() == 200);
}

TEST_CASE("a request that works keeps its CPU slot: with one slot the next request waits for it") {
  BlockingServer server;
  auto busy = server.post("/works");
  server.wait_until_blocked(1);
  auto next = server.post("/rejected");
  CHECK(next.wait_for(300ms) == std::future_status::timeout);
  server.release();
  REQUIRE(next.wait_for(5s) == std::future_status::ready);
  CHECK(next.get() == 200);
  CHECK(busy.get() == 200);
}

TEST_CASE("a connection the web server keeps is served while the only CPU slot waits in accept") {
  BlockingServer server;
  auto kept = server.post("/rejected", 3, true);
  REQUIRE(kept.wait_for(5s) == std::future_status::ready);
  CHECK(kept.get() == 200);
}

TEST_CASE("a thread waiting on PHP-FPM longer than kCpuSlotPatience gives its CPU slot away") {
  BlockingServer php;  // stands in for PHP-FPM: /works answers only after release()
  CpuSlots slots(1);
  // The waiting happens in FastCgiClient::forward on the thread that holds
  // the slot (post() runs it on a thread of its own).
  auto forwarding = std::async(std::launch::async, [&] {
    slots.take();
    const bool ok = forward_on_this_thread(php.address(), "/works");
    slots.give_back();  // no effect: it was given away
    return ok;
  });
  php.wait_until_blocked(1);
  auto other = std::async(std::launch::async, [&] {
    slots.take();
    slots.give_back();
  });
  CHECK(other.wait_for(5s) == std::future_status::ready);
  php.release();
  CHECK(forwarding.get());
}

TEST_CASE("a thread whose PHP-FPM answers at once keeps its CPU slot") {
  BlockingServer php;
  CpuSlots slots(1);
  std::promise<bool> answered;
  std::promise<void> let_go;
  auto forwarding = std::async(std::launch::async, [&] {
    slots.take();
    answered.set_value(forward_on_this_thread(php.address(), "/rejected"));
    let_go.get_future().wait();
    slots.give_back();
  });
  CHECK(answered.get_future().get());
  auto other = std::async(std::launch::async, [&] {
    slots.take();
    slots.give_back();
  });
  CHECK(other.wait_for(300ms) == std::future_status::timeout);  // still held by the forwarding thread
  let_go.set_value();
  CHECK(other.wait_for(5s) == std::future_status::ready);
  forwarding.get();
}

TEST_CASE("CpuSlots: a thread holds one slot at most, and giving it back twice frees it once") {
  CpuSlots slots(1);
  slots.take();
  slots.take();  // already held: does not wait
  slots.give_back();
  slots.give_back();  // holds none: no effect
  std::promise<void> taken, let_go;
  auto holder = std::async(std::launch::async, [&] {
    slots.take();
    taken.set_value();
    let_go.get_future().wait();
    give_back_cpu_slot();  // finds the slot this thread holds
  });
  taken.get_future().wait();  // the holder has the slot before the waiter asks
  auto waiter = std::async(std::launch::async, [&] {
    slots.take();
    slots.give_back();
  });
  CHECK(waiter.wait_for(300ms) == std::future_status::timeout);  // one slot, and the holder has it
  let_go.set_value();
  CHECK(waiter.wait_for(5s) == std::future_status::ready);
  holder.get();
}

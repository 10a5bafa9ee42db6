// JobRunner: serve's background jobs run on their period, a wake-up runs
// one early, a leader-only job waits while another node leads, a job that
// throws goes on, and stop() lets runs finish, joins every thread and stops
// the workers in reverse order. Real threads and the steady clock; every
// wait has a deadline well above the periods involved.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/job_runner.h"

using namespace spamgate;
using namespace std::chrono_literals;

namespace {

// True as soon as `condition` holds; false when it still does not after `limit`.
bool within(std::chrono::milliseconds limit, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

Job counting(std::string name, std::chrono::milliseconds period, std::atomic<int>& runs, bool leader_only = false) {
  return Job{.name = std::move(name), .period = period, .leader_only = leader_only, .run = [&runs] { ++runs; }};
}

}  // namespace

TEST_CASE("job runner: a job runs once per period, never before its first period is over") {
  std::atomic<int> runs{0};
  JobRunner runner;
  runner.add(counting("tick", 40ms, runs));
  const auto began = std::chrono::steady_clock::now();
  REQUIRE(runner.start().ok());
  CHECK(within(2s, [&] { return runs.load() >= 3; }));
  runner.stop();
  const auto elapsed = std::chrono::steady_clock::now() - began;
  // n runs need n periods at least: never more runs than periods elapsed.
  CHECK(runs.load() <= elapsed / 40ms);
}

TEST_CASE("job runner: a wake-up runs a job at once rather than at the end of its period") {
  std::atomic<int> runs{0};
  JobRunner runner;
  runner.add(counting("digest", 1h, runs));
  REQUIRE(runner.start().ok());
  std::this_thread::sleep_for(100ms);
  CHECK(runs.load() == 0);  // an hour to go
  runner.wake("digest");
  CHECK(within(2s, [&] { return runs.load() == 1; }));
  runner.wake("no such job");  // nothing happens, nothing breaks
  std::this_thread::sleep_for(100ms);
  CHECK(runs.load() == 1);
  runner.wake("digest");
  CHECK(within(2s, [&] { return runs.load() == 2; }));
}

TEST_CASE("job runner: a leader-only job does not run on a follower, and runs once the node leads") {
  std::atomic<int> leader_runs{0};
  std::atomic<int> every_node_runs{0};
  std::atomic<bool> leads{false};
  JobRunner runner;
  runner.add(counting("bounce poll", 10ms, leader_runs, true));
  runner.add(counting("lease", 10ms, every_node_runs));
  REQUIRE(runner.start([&leads] { return leads.load(); }).ok());
  CHECK(within(2s, [&] { return every_node_runs.load() >= 10; }));
  runner.wake("bounce poll");  // a wake-up does not make a follower run it either
  std::this_thread::sleep_for(50ms);
  CHECK(leader_runs.load() == 0);
  leads = true;
  CHECK(within(2s, [&] { return leader_runs.load() >= 3; }));
}

TEST_CASE("job runner: without a leader function every job runs (a single node leads)") {
  std::atomic<int> runs{0};
  JobRunner runner;
  runner.add(counting("bounce poll", 10ms, runs, true));
  REQUIRE(runner.start().ok());
  CHECK(within(2s, [&] { return runs.load() >= 3; }));
}

TEST_CASE("job runner: a job that throws is logged and runs again") {
  std::atomic<int> runs{0};
  JobRunner runner;
  runner.add(Job{.name = "flaky", .period = 10ms, .run = [&runs] {
                   ++runs;
                   throw std::runtime_error("bad data");
                 }});
  REQUIRE(runner.start().ok());
  CHECK(within(3s, [&] { return runs.load() >= 3; }));
}

TEST_CASE("job runner: stop lets runs in progress finish, joins every job and stops the workers in reverse") {
  std::mutex order_mutex;
  std::vector<std::string> order;
  const auto note = [&](std::string what) {
    std::lock_guard lock(order_mutex);
    order.push_back(std::move(what));
  };
  std::atomic<int> stream_runs{0};
  std::atomic<bool> in_run{false};
  std::atomic<int> finished_runs{0};
  JobRunner runner;
  // Back to back: the run waits itself, as the learning stream's read does.
  runner.add(Job{.name = "stream", .run = [&] {
                   in_run = true;
                   std::this_thread::sleep_for(30ms);
                   ++stream_runs;
                   in_run = false;
                 }});
  runner.add(Job{.name = "slow", .period = 10ms, .run = [&] {
                   std::this_thread::sleep_for(150ms);
                   ++finished_runs;
                 }});
  std::atomic<int> sender_wakes{0};
  runner.add(Worker{.name = "first", .start = [&] { note("start first"); return Status::success(); },
                    .stop = [&] { note("stop first"); }});
  runner.add(Worker{.name = "sender", .start = [&] { note("start sender"); return Status::success(); },
                    .stop = [&] { note("stop sender"); }, .wake = [&] { ++sender_wakes; }});
  REQUIRE(runner.start().ok());
  runner.wake("sender");
  CHECK(sender_wakes.load() == 1);
  CHECK(within(2s, [&] { return stream_runs.load() >= 2 && in_run.load(); }));
  std::this_thread::sleep_for(80ms);  // "slow" is in its first run now
  runner.stop();
  CHECK_FALSE(in_run.load());           // the run in progress finished before stop returned
  CHECK(finished_runs.load() >= 1);
  const int stream_after_stop = stream_runs.load();
  const int slow_after_stop = finished_runs.load();
  std::this_thread::sleep_for(100ms);
  CHECK(stream_runs.load() == stream_after_stop);  // nothing runs after stop
  CHECK(finished_runs.load() == slow_after_stop);
  CHECK(order == std::vector<std::string>{"start first", "start sender", "stop sender", "stop first"});
  runner.stop();  // a second stop does nothing
  CHECK(order.size() == 4);
}

TEST_CASE("job runner: a worker that cannot start stops those started before it, and no job runs") {
  std::vector<std::string> order;
  std::atomic<int> runs{0};
  JobRunner runner;
  runner.add(counting("tick", 10ms, runs));
  runner.add(Worker{.name = "first", .start = [&] { order.push_back("start first"); return Status::success(); },
                    .stop = [&] { order.push_back("stop first"); }});
  runner.add(Worker{.name = "sender", .start = [] { return Status(Error{"the store is locked"}); },
                    .stop = [&] { order.push_back("stop sender"); }});
  const Status started = runner.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error() == "sender: the store is locked");
  std::this_thread::sleep_for(100ms);
  CHECK(runs.load() == 0);
  CHECK(order == std::vector<std::string>{"start first", "stop first"});
}

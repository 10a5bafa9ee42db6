// JobRunner: the one place serve's background work is started and stopped.
// A Job is run by the runner on a thread of its own, every period (or back
// to back) and at once when woken; a leader-only job is skipped while
// another node leads. A Worker keeps a thread of its own (the mail sender,
// the learner's rebuilds); the runner starts it with the jobs, passes its
// wake-ups on and stops it with them. Never runs two runs of one job at
// once, and never lets an exception out of a job's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/result.h"

namespace spamgate {

struct Job {
  std::string name;
  // The wait between the end of one run and the next; zero: back to back
  // (the run waits for its own work, e.g. a blocking read with a timeout).
  std::chrono::milliseconds period{0};
  bool leader_only = false;    // with a period: a follower skips its runs
  std::function<void()> run;  // one run; what it throws is logged and the job goes on
};

struct Worker {
  std::string name;
  std::function<Status()> start;  // starts the worker's own thread
  std::function<void()> stop;     // asks it to stop and joins it
  std::function<void()> wake{};   // empty: the worker is never woken
};

class JobRunner {
 public:
  JobRunner() = default;
  ~JobRunner();  // stop()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Before start() only.
  void add(Job job);
  void add(Worker worker);

  // Starts the workers in the order added, then one thread per job.
  // `leading` tells whether this node leads now; empty: a single node,
  // which always leads. Error: a worker could not start (those started
  // before it are stopped again, no job runs).
  Status start(std::function<bool()> leading = {});

  // Runs the job called `name` now rather than at the end of its period
  // (once, however often it is woken meanwhile), or wakes the worker.
  // Nothing when no job has that name. Thread-safe.
  void wake(const std::string& name);

  // Lets the runs in progress finish, joins every job thread, then stops
  // the workers in reverse order. Later calls do nothing.
  void stop();

 private:
  struct Slot {
    Job job;
    std::condition_variable cv;
    bool woken = false;
    std::thread thread;
  };
  void loop(Slot& slot);
  // One run of `slot`'s job, unless it is leader-only and another node leads.
  void run_once(Slot& slot);

  std::list<Slot> slots_;  // a list: a Slot's address never changes
  std::vector<Worker> workers_;
  size_t workers_started_ = 0;
  std::function<bool()> leading_;
  std::mutex mutex_;  // guards stopping_ and every Slot's woken
  bool stopping_ = false;
};

}  // namespace spamgate

#include "app/job_runner.h"

#include <exception>

#include "util/logfmt.h"

namespace spamgate {
namespace {

// After a run that threw, before the next: a job that keeps failing does
// not spin.
constexpr auto kPauseAfterFailure = std::chrono::milliseconds(200);

}  // namespace

JobRunner::~JobRunner() { stop(); }

void JobRunner::add(Job job) { slots_.emplace_back().job = std::move(job); }

void JobRunner::add(Worker worker) { workers_.push_back(std::move(worker)); }

Status JobRunner::start(std::function<bool()> leading) {
  leading_ = std::move(leading);
  for (; workers_started_ < workers_.size(); ++workers_started_) {
    const Worker& worker = workers_[workers_started_];
    if (Status started = worker.start(); !started) {
      stop();
      return Error{worker.name + ": " + started.error()};
    }
  }
  for (Slot& slot : slots_) slot.thread = std::thread([this, &slot] { loop(slot); });
  return Status::success();
}

void JobRunner::wake(const std::string& name) {
  for (const Worker& worker : workers_)
    if (worker.name == name && worker.wake) worker.wake();
  for (Slot& slot : slots_) {
    if (slot.job.name != name) continue;
    {
      std::lock_guard lock(mutex_);
      slot.woken = true;
    }
    slot.cv.notify_one();
  }
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (Slot& slot : slots_) {
    slot.cv.notify_one();
    if (slot.thread.joinable()) slot.thread.join();
  }
  for (; workers_started_ > 0; --workers_started_) workers_[workers_started_ - 1].stop();
}

void JobRunner::loop(Slot& slot) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (slot.job.period.count() > 0)
      slot.cv.wait_for(lock, slot.job.period, [&] { return stopping_ || slot.woken; });
    if (stopping_) break;
    slot.woken = false;
    lock.unlock();
    run_once(slot);
    lock.lock();
  }
}

void JobRunner::run_once(Slot& slot) {
  if (slot.job.leader_only && leading_ && !leading_()) return;
  // Last resort: a job turns its errors into log lines; whatever still
  // throws is logged and the job runs again at its next turn.
  try {
    slot.job.run();
  } catch (const std::exception& e) {
    LogLine("error").add("msg", "a background job failed a run; it goes on").add("job", slot.job.name)
        .add("error", e.what()).write();
    std::unique_lock lock(mutex_);
    slot.cv.wait_for(lock, kPauseAfterFailure, [this] { return stopping_; });
  }
}

}  // namespace spamgate

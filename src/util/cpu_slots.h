// CpuSlots: lets at most N threads of a pool run at once. A request thread
// holds a slot while it accepts, reads, scores and answers, and gives it up
// once a wait on another server (PHP-FPM) runs long, so a comment waiting for a
// slow WordPress never keeps spam from being rejected, while a flood of spam
// runs on N threads instead of all of them preempting one another.
#pragma once

#include <semaphore>

namespace spamgate {

class CpuSlots {
 public:
  explicit CpuSlots(int slots);
  CpuSlots(const CpuSlots&) = delete;
  CpuSlots& operator=(const CpuSlots&) = delete;

  // Blocks until the calling thread holds a slot (at once when it already does).
  void take();
  // Gives back the calling thread's slot, when it holds one of these.
  void give_back();
  // Lets every thread waiting in take() through, now and later (shutdown).
  void open_all(int waiters);

 private:
  std::counting_semaphore<> free_;
};

// Gives back the slot the calling thread holds, from whichever CpuSlots (no
// effect when it holds none): call it when a wait on another server runs long.
void give_back_cpu_slot();

}  // namespace spamgate

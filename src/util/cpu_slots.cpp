#include "util/cpu_slots.h"

namespace spamgate {
namespace {

thread_local CpuSlots* held_slot = nullptr;

}  // namespace

CpuSlots::CpuSlots(int slots) : free_(slots) {}

void CpuSlots::take() {
  if (held_slot == this) return;
  free_.acquire();
  held_slot = this;
}

void CpuSlots::give_back() {
  if (held_slot != this) return;
  held_slot = nullptr;
  free_.release();
}

void CpuSlots::open_all(int waiters) { free_.release(waiters); }

void give_back_cpu_slot() {
  if (held_slot) held_slot->give_back();
}

}  // namespace spamgate

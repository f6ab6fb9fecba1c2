#include "server/process/heap_trimmer.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

#include "absl/time/clock.h"

namespace integrator::process {
namespace {

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total_pages = 0;
  size_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

HeapTrimmer::HeapTrimmer(HeapTrimmerOptions options)
    : options_(options), thread_([this] {
        while (!stop_.WaitForNotificationWithTimeout(options_.interval)) {
          TrimIfWorthIt();
        }
      }) {}

HeapTrimmer::~HeapTrimmer() {
  stop_.Notify();
  thread_.join();
}

bool HeapTrimmer::TrimIfWorthIt() {
  const size_t free_now = mallinfo2().fordblks;
  if (free_now < options_.free_bytes) return false;
  // Something to give back: the heap grew, or memory in use at the last
  // trim has been freed since.
  const bool grew =
      ResidentBytes() >= resident_after_trim_ + options_.free_bytes;
  const bool freed = free_now >= free_after_trim_ + options_.free_bytes;
  // Frees can also land on pages that stayed resident beside live chunks
  // at the last trim; a trim now and then takes those back too. Trims
  // consolidate free chunks, so a later one walks few.
  const bool due = absl::Now() >= last_trim_ + options_.refresh;
  if (!grew && !freed && !due) return false;
  malloc_trim(0);
  last_trim_ = absl::Now();
  resident_after_trim_ = ResidentBytes();
  free_after_trim_ = mallinfo2().fordblks;
  trims_.fetch_add(1);
  return true;
}

}  // namespace integrator::process

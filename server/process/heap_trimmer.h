// Gives freed heap memory back to the kernel after a burst.
//
// Why: glibc's malloc keeps freed memory in its arenas, and returns it only
// when the free space is at the top of a heap. After a flood (50,000 HTTP/2
// streams that never sent a message: 12 KB each in gRPC 1.51) the server
// had freed everything yet stayed at 900 MB resident for good; one
// malloc_trim(0) took it back to 28 MB.
//
// Contract: a background thread checks, every `interval`, the resident set
// (/proc/self/statm) and the free memory the arenas hold (mallinfo2), and
// calls malloc_trim(0) only when the free memory exceeds `free_bytes` and,
// since the last trim, either the resident set or the free memory grew by
// `free_bytes`. Trimmed pages stay on malloc's free lists (only their
// memory is returned), so the free memory alone would ask for a trim every
// interval; the growth conditions keep a steady server from paying for
// trims, and still catch memory freed after a trim at the peak. While the
// free memory stays over `free_bytes`, it also trims once per `refresh`.
// The destructor stops the thread.
//
// EXAMPLE:
//   HeapTrimmer trimmer({.interval = absl::Seconds(1)});
//   ... serve ...
//   // trimmer.trims() counts the trims done.
#ifndef INTEGRATOR_SERVER_PROCESS_HEAP_TRIMMER_H_
#define INTEGRATOR_SERVER_PROCESS_HEAP_TRIMMER_H_

#include <atomic>
#include <cstddef>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace integrator::process {

struct HeapTrimmerOptions {
  absl::Duration interval = absl::Seconds(1);
  size_t free_bytes = size_t{32} << 20;
  absl::Duration refresh = absl::Seconds(10);
};

class HeapTrimmer {
 public:
  explicit HeapTrimmer(HeapTrimmerOptions options);
  ~HeapTrimmer();
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  int trims() const { return trims_.load(); }

  // Trims if the conditions above hold; returns whether it did. What the
  // thread runs each interval.
  bool TrimIfWorthIt();

 private:
  const HeapTrimmerOptions options_;
  std::atomic<int> trims_{0};
  // Only the trimming thread uses these.
  size_t resident_after_trim_ = 0;
  size_t free_after_trim_ = 0;
  absl::Time last_trim_ = absl::InfinitePast();
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace integrator::process

#endif  // INTEGRATOR_SERVER_PROCESS_HEAP_TRIMMER_H_

#include "server/process/heap_trimmer.h"

#include <malloc.h>

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace integrator::process {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcMalloc = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kGlibcMalloc = false;
#else
constexpr bool kGlibcMalloc = true;
#endif
#else
constexpr bool kGlibcMalloc = true;
#endif

TEST(HeapTrimmer, TrimsOnlyAfterGrowthThatLeftFreeMemory) {
  if (!kGlibcMalloc) GTEST_SKIP() << "ASan's allocator replaces glibc malloc";
  HeapTrimmer trimmer({.interval = absl::Hours(1),
                       .free_bytes = 8 << 20,
                       .refresh = absl::Hours(1)});
  {
    // Many small blocks (below the mmap threshold) stay in the arena when
    // freed; the last one pins the heap's top so no automatic trim frees
    // them.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 16 * 1024; ++i) {
      blocks.push_back(std::make_unique<char[]>(1024));
      blocks.back()[0] = 1;
    }
    auto pin = std::make_unique<char[]>(1024);
    blocks.clear();
    EXPECT_GE(mallinfo2().fordblks, size_t{8} << 20);
    EXPECT_TRUE(trimmer.TrimIfWorthIt());
    // The free chunks are still on malloc's lists, but nothing grew since.
    EXPECT_FALSE(trimmer.TrimIfWorthIt());
  }
  EXPECT_EQ(trimmer.trims(), 1);
}

}  // namespace
}  // namespace integrator::process

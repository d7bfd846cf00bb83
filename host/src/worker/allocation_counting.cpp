// The malloc interposer behind allocation_counting.hpp. Everything here may
// run inside any allocation of the process, before main() and from any
// thread: no allocation, no locale, no exceptions, only constant-initialised
// globals.
#include "costops/host/worker/allocation_counting.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define COSTOPS_ALLOCATIONS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COSTOPS_ALLOCATIONS_UNDER_ASAN 1
#endif
#endif

#if defined(COSTOPS_ALLOCATIONS_UNDER_ASAN)

namespace costops::host {

std::string allocation_counting_unavailable() {
  return "unavailable under AddressSanitizer (it replaces malloc; use a build without "
         "COSTOPS_SANITIZE to count allocations)";
}
void start_allocation_counting() {}
void pause_allocation_counting() {}
AllocationCounts finish_allocation_counting(std::uint64_t) {
  return AllocationCounts{allocation_counting_unavailable()};
}
HostAllocations::HostAllocations() : previous_(false) {}
HostAllocations::~HostAllocations() = default;

}  // namespace costops::host

#else

#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

// glibc's own entry points to its allocator: what malloc and friends are
// when nobody replaces them. Unlike dlsym(RTLD_NEXT, "malloc") they need no
// lookup that could itself allocate.
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* block, std::size_t size) noexcept;
void __libc_free(void* block) noexcept;
void* __libc_memalign(std::size_t alignment, std::size_t size) noexcept;
void* __libc_valloc(std::size_t size) noexcept;
void* __libc_pvalloc(std::size_t size) noexcept;
}

namespace {

enum Mode : int { kOff = 0, kFollowing = 1, kCounting = 2 };
std::atomic<int> g_mode{kOff};

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_frees{0};
std::atomic<std::uint64_t> g_bytes_allocated{0};

// The blocks allocated while counting: open addressing with linear probing,
// address 0 = empty slot. 2^21 slots of 16 bytes = 32 MiB of address space
// in its own mapping, of which only the pages in use are ever touched.
struct Block {
  std::uintptr_t address;
  std::uint64_t size;
};
constexpr std::size_t kSlotBits = 21;
constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;
constexpr std::size_t kMaxLiveBlocks = kSlots / 4 * 3;  // keeps probes short

// Guarded by g_lock (a spin lock: a mutex could allocate or call back).
std::atomic<bool> g_lock{false};
Block* g_table = nullptr;
std::size_t g_live_blocks = 0;
std::uint64_t g_live_bytes = 0;
std::uint64_t g_peak_live_bytes = 0;
bool g_overflowed = false;
bool g_table_unavailable = false;

class SpinLock {
 public:
  SpinLock() {
    while (g_lock.exchange(true, std::memory_order_acquire))
      while (g_lock.load(std::memory_order_relaxed)) __builtin_ia32_pause();
  }
  ~SpinLock() { g_lock.store(false, std::memory_order_release); }
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;
};

std::size_t home_slot(std::uintptr_t address) {
  return static_cast<std::size_t>(((address >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits));
}

void remember(void* block, std::uint64_t size) {
  const auto address = reinterpret_cast<std::uintptr_t>(block);
  if (g_table == nullptr || g_overflowed) return;
  std::size_t i = home_slot(address);
  while (g_table[i].address != 0 && g_table[i].address != address) i = (i + 1) & (kSlots - 1);
  if (g_table[i].address == address) {  // a block freed without us seeing it
    g_live_bytes -= g_table[i].size;
  } else if (g_live_blocks >= kMaxLiveBlocks) {
    g_overflowed = true;
    return;
  } else {
    ++g_live_blocks;
  }
  g_table[i] = Block{address, size};
  g_live_bytes += size;
  if (g_live_bytes > g_peak_live_bytes) g_peak_live_bytes = g_live_bytes;
}

// Forgets a remembered block (backward-shift deletion keeps every other
// block reachable from its home slot); false when it was not remembered.
bool forget(void* block) {
  const auto address = reinterpret_cast<std::uintptr_t>(block);
  if (g_table == nullptr || g_live_blocks == 0) return false;
  std::size_t i = home_slot(address);
  while (g_table[i].address != address) {
    if (g_table[i].address == 0) return false;
    i = (i + 1) & (kSlots - 1);
  }
  g_live_bytes -= g_table[i].size;
  --g_live_blocks;
  for (std::size_t j = (i + 1) & (kSlots - 1); g_table[j].address != 0;
       j = (j + 1) & (kSlots - 1)) {
    const std::size_t home = home_slot(g_table[j].address);
    // Move j into the hole at i unless j's home lies cyclically in (i, j].
    const bool home_between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (home_between) continue;
    g_table[i] = g_table[j];
    i = j;
  }
  g_table[i] = Block{0, 0};
  return true;
}

Mode mode() {
  return static_cast<Mode>(g_mode.load(std::memory_order_relaxed));
}

// Set by HostAllocations; read only while counting or following. Static TLS
// of the executable: usable before main() and without allocating.
thread_local bool t_host_allocations = false;

void* counted(void* block, std::size_t size) {
  if (block == nullptr || mode() != kCounting || t_host_allocations) return block;
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_bytes_allocated.fetch_add(size, std::memory_order_relaxed);
  SpinLock lock;
  remember(block, size);
  return block;
}

// Before the block goes back to glibc: once it has, another thread may get
// the same address and remember it.
void released(void* block) {
  const Mode now = mode();
  if (block == nullptr || now == kOff || t_host_allocations) return;
  if (now == kCounting) g_frees.fetch_add(1, std::memory_order_relaxed);
  SpinLock lock;
  forget(block);
}

bool is_power_of_two(std::size_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

// The replacements (glibc documents replacing these: "Replacing malloc" in
// its manual). While counting is off each is one relaxed load and a tail
// call to glibc's; while on it forwards first and counts after, so a failed
// call is not counted.
extern "C" {

void* malloc(std::size_t size) noexcept {
  if (mode() == kOff) [[likely]]
    return __libc_malloc(size);
  return counted(__libc_malloc(size), size);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
  if (mode() == kOff) [[likely]]
    return __libc_calloc(count, size);
  // On overflow __libc_calloc returns NULL and nothing is counted.
  return counted(__libc_calloc(count, size), count * size);
}

void free(void* block) noexcept {
  if (mode() == kOff) [[likely]]
    return __libc_free(block);
  released(block);
  __libc_free(block);
}

// A realloc while counting is one free of the old block (if any) and one
// allocation of `size` bytes; realloc(block, 0) frees, as glibc's does.
void* realloc(void* block, std::size_t size) noexcept {
  if (mode() == kOff || t_host_allocations) return __libc_realloc(block, size);
  if (block == nullptr) return malloc(size);
  if (size == 0) {
    free(block);
    return nullptr;
  }
  // Under the lock: between glibc taking the old block back and us
  // forgetting it, no other thread may be handed its address.
  SpinLock lock;
  void* moved = __libc_realloc(block, size);
  if (moved == nullptr) return nullptr;  // the old block is untouched
  const bool was_remembered = forget(block);
  if (mode() == kCounting) {
    g_frees.fetch_add(1, std::memory_order_relaxed);
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_bytes_allocated.fetch_add(size, std::memory_order_relaxed);
    remember(moved, size);
  } else if (was_remembered) {
    remember(moved, size);  // still the counted run's block, resized
  }
  return moved;
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
  return counted(__libc_memalign(alignment, size), size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  return counted(__libc_memalign(alignment, size), size);
}

int posix_memalign(void** result, std::size_t alignment, std::size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || !is_power_of_two(alignment)) return EINVAL;
  const int saved_errno = errno;  // posix_memalign reports, it does not set errno
  void* block = __libc_memalign(alignment, size);
  errno = saved_errno;
  if (block == nullptr) return ENOMEM;
  *result = counted(block, size);
  return 0;
}

void* valloc(std::size_t size) noexcept {
  return counted(__libc_valloc(size), size);
}

void* pvalloc(std::size_t size) noexcept {
  return counted(__libc_pvalloc(size), size);
}

}  // extern "C"

namespace costops::host {

std::string allocation_counting_unavailable() {
  return {};
}

HostAllocations::HostAllocations() : previous_(t_host_allocations) {
  t_host_allocations = true;
}
HostAllocations::~HostAllocations() {
  t_host_allocations = previous_;
}

void start_allocation_counting() {
  {
    SpinLock lock;
    if (g_table == nullptr && !g_table_unavailable) {
      void* table = ::mmap(nullptr, kSlots * sizeof(Block), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (table == MAP_FAILED)
        g_table_unavailable = true;
      else
        g_table = static_cast<Block*>(table);
    } else if (g_table != nullptr && g_live_blocks > 0) {
      // A previous window's leftovers: give the pages back zeroed.
      ::madvise(g_table, kSlots * sizeof(Block), MADV_DONTNEED);
    }
    g_live_blocks = 0;
    g_live_bytes = g_peak_live_bytes = 0;
    g_overflowed = false;
  }
  g_allocations.store(0, std::memory_order_relaxed);
  g_frees.store(0, std::memory_order_relaxed);
  g_bytes_allocated.store(0, std::memory_order_relaxed);
  g_mode.store(kCounting, std::memory_order_seq_cst);
}

void pause_allocation_counting() {
  g_mode.store(kFollowing, std::memory_order_seq_cst);
}

AllocationCounts finish_allocation_counting(std::uint64_t iterations) {
  g_mode.store(kOff, std::memory_order_seq_cst);
  AllocationCounts counts;
  counts.iterations = iterations;
  counts.allocations = g_allocations.load(std::memory_order_relaxed);
  counts.frees = g_frees.load(std::memory_order_relaxed);
  counts.bytes_allocated = g_bytes_allocated.load(std::memory_order_relaxed);
  bool table_unavailable, overflowed;
  {
    SpinLock lock;
    table_unavailable = g_table_unavailable;
    overflowed = g_overflowed;
    counts.peak_live_bytes = g_peak_live_bytes;
    counts.live_bytes_after_teardown = g_live_bytes;
  }
  // Strings only after the lock is released: building them allocates.
  if (table_unavailable)
    counts.unavailable = "unavailable: the worker could not map its allocation table";
  else if (overflowed)
    counts.unavailable = "unavailable: more than " + std::to_string(kMaxLiveBlocks) +
                         " blocks were live at once during the counted pass";
  return counts;
}

}  // namespace costops::host

#endif

// Heap allocation counting for the plugin's code: the executables that load
// plugins (cost-ops-worker, and cost-ops for --isolation none) define malloc,
// calloc, realloc, free, aligned_alloc, posix_memalign, memalign, valloc and
// pvalloc themselves (allocation_counting.cpp) and forward every call to
// glibc's allocator (__libc_malloc and friends). The executable comes first
// in the dynamic linker's search order, so every plugin, libstdc++'s
// operator new/delete (all variants call malloc/aligned_alloc/free through
// the PLT) and libc itself resolve to these definitions.
//
// Counting is off except between start_allocation_counting() and
// finish_allocation_counting(): while off, each call costs one relaxed
// atomic load on top of glibc's, so timed samples pay nothing measurable.
// While on, every thread's allocations are counted (atomics) and the blocks
// allocated are remembered (a fixed hash table in its own mmap, behind a
// spin lock, so the counter never allocates itself) to follow them until
// they are freed.
//
// Under AddressSanitizer the sanitizer owns malloc: nothing is interposed and
// allocation_counting_unavailable() says so.
#pragma once

#include <string>

#include "costops/host/measurement.hpp"

namespace costops::host {

// Empty when allocations can be counted in this process, else why not (for
// the results: "unavailable under AddressSanitizer ...").
std::string allocation_counting_unavailable();

// Clears the counts and the remembered blocks and counts from now on: each
// allocation adds to the counts and is remembered; frees of remembered
// blocks lower the live bytes. One counting window at a time per process.
void start_allocation_counting();

// Stops counting new allocations but keeps following the blocks already
// remembered (their frees still lower the live bytes): call it after the
// counted run() and before the untimed reset()/teardown().
void pause_allocation_counting();

// Ends the window: the counts over `iterations` operations, with the live
// bytes of the remembered blocks as live_bytes_after_teardown; or why
// they are unavailable (not supported, or more blocks live at once than
// the table holds).
AllocationCounts finish_allocation_counting(std::uint64_t iterations);

// While one exists, the allocations of its thread are the host's, not the
// plugin's: not counted and not followed (the copies a service call such as
// report_metric_string makes while run() is being counted).
class HostAllocations {
 public:
  HostAllocations();
  ~HostAllocations();
  HostAllocations(const HostAllocations&) = delete;
  HostAllocations& operator=(const HostAllocations&) = delete;

 private:
  bool previous_;
};

}  // namespace costops::host

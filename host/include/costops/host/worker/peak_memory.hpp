// Peak resident memory of the current process, measured from a reset point.
// getrusage's ru_maxrss cannot be reset and a forked child inherits the
// parent's peak, so the host uses the kernel's resettable high-water mark.
#pragma once

#include <cstdint>

namespace costops::host {

// Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs).
// Returns false where the kernel does not support it.
bool reset_peak_rss();

// VmHWM from /proc/self/status in bytes, or 0 when unreadable.
std::uint64_t read_peak_rss_bytes();

// Bytes the C allocator has handed out and not taken back (glibc
// mallinfo2: in-use arena chunks plus mmapped blocks). Unlike resident
// memory it does not count freed memory the allocator keeps for reuse.
std::uint64_t heap_in_use_bytes();

// VmRSS (current resident memory) in bytes, or 0 when unreadable.
std::uint64_t read_rss_bytes();

// Number of open file descriptors of this process (/proc/self/fd).
std::int64_t count_open_file_descriptors();

}  // namespace costops::host

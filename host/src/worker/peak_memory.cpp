#include "costops/host/worker/peak_memory.hpp"

#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace costops::host {

// Provided by the sanitizer runtimes, which replace malloc (glibc's
// mallinfo2 then knows nothing of the heap); null in a normal build.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes() __attribute__((weak));

std::uint64_t heap_in_use_bytes() {
  if (__sanitizer_get_current_allocated_bytes != nullptr)
    return __sanitizer_get_current_allocated_bytes();
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

bool reset_peak_rss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  if (!clear_refs) return false;
  clear_refs << "5";
  return static_cast<bool>(clear_refs.flush());
}

namespace {

std::uint64_t status_field_bytes(const char* key) {
  const std::string prefix = key;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) {
      std::istringstream fields(line.substr(prefix.size()));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace

std::uint64_t read_peak_rss_bytes() {
  return status_field_bytes("VmHWM:");
}
std::uint64_t read_rss_bytes() {
  return status_field_bytes("VmRSS:");
}

std::int64_t count_open_file_descriptors() {
  std::error_code ec;
  std::int64_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++count;
  return count - 1;  // the iterator's own descriptor
}

}  // namespace costops::host

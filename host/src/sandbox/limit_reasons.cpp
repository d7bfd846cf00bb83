#include "costops/host/sandbox/limit_reasons.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "costops/host/sandbox/isolation_layers.hpp"

namespace costops::host::sandbox {

std::string limit_reason(const ChildResult& child, const SandboxPolicy& policy) {
  if (child.ending == ChildResult::Ending::signaled && child.signal_number == SIGXFSZ &&
      (child.isolation_layers & kFileSizeLimit))
    return "file size limit " + describe_byte_size(policy.file_size_limit_bytes) +
           " (--file-size-limit) exceeded; ";
  return {};
}

std::string memory_limit_note() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return {};
  std::ifstream status("/proc/self/status");
  std::string line;
  std::uint64_t peak_kib = 0;
  while (std::getline(status, line))
    if (line.rfind("VmPeak:", 0) == 0) std::istringstream(line.substr(7)) >> peak_kib;
  // The allocation that failed was larger than the gap left below the
  // limit; blocks of up to 128 MiB (or 5 % of the limit) are ordinary.
  const std::uint64_t peak = peak_kib * 1024;
  const std::uint64_t margin =
      std::max<std::uint64_t>(limit.rlim_cur / 20, std::uint64_t{128} << 20);
  if (peak + margin < limit.rlim_cur) return {};
  return "memory limit " + describe_byte_size(limit.rlim_cur) + " (--memory-limit) reached; ";
}

}  // namespace costops::host::sandbox

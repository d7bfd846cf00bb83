// Layer: the worker starts with descriptors 0-3 only (stdin /dev/null, the
// output pipe, the result pipe), whatever the host inherited without
// close-on-exec (a CI runner's fd 9, a terminal on fd 251). Descriptor 4, the
// report pipe, is the namespace init's: it closes it in the worker.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

namespace costops::host::sandbox::layers {

std::uint32_t close_inherited_descriptors(int report_fd) {
  if (report_fd != kReportFd) {
    if (::dup2(report_fd, kReportFd) < 0) return 0;  // dup2 clears close-on-exec
  } else if (::fcntl(kReportFd, F_SETFD, 0) != 0) {
    return 0;
  }
  if (::syscall(SYS_close_range, kReportFd + 1, ~0U, 0) == 0) return kDescriptors;
  // Kernels before 5.9: one by one, up to the descriptor limit.
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  for (long fd = kReportFd + 1; fd < open_max && fd < (1L << 20); ++fd)
    ::close(static_cast<int>(fd));
  return kDescriptors;
}

}  // namespace costops::host::sandbox::layers

#include "costops/host/worker/hardware_counters.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace costops::host {

namespace {

int open_counter(std::uint64_t config, int group_leader) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof(attr);
  attr.config = config;
  if (group_leader < 0) attr.disabled = 1;  // the leader switches the whole group
  attr.exclude_kernel = 1;                  // what the target's code does, not the kernel's
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_GROUP;
  return static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0 /* this thread */,
                                    -1 /* any CPU */, group_leader, PERF_FLAG_FD_CLOEXEC));
}

int read_perf_event_paranoid() {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  int value = -1;
  return in >> value ? value : -1;
}

}  // namespace

std::string hardware_counters_unavailable_reason(int error_number, int perf_event_paranoid) {
  const std::string call =
      "perf_event_open failed (" + std::string(std::strerror(error_number)) + ")";
  switch (error_number) {
    case ENOENT:
    case EOPNOTSUPP:
    case ENODEV:
      return call +
             ": this machine exposes no hardware PMU (usual on virtual machines "
             "without a virtual PMU); use --measure instructions for a deterministic "
             "count";
    case EACCES:
    case EPERM:
      return call + ": not permitted (kernel.perf_event_paranoid = " +
             std::to_string(perf_event_paranoid) +
             "); allow it with `sysctl kernel.perf_event_paranoid=2` or CAP_PERFMON";
    case ENOSYS:
      return call + ": the kernel was built without perf events";
    default:
      return call;
  }
}

HardwareCounters::HardwareCounters() {
  leader_ = open_counter(PERF_COUNT_HW_INSTRUCTIONS, -1);
  if (leader_ >= 0) {
    members_[0] = open_counter(PERF_COUNT_HW_CPU_CYCLES, leader_);
    if (members_[0] >= 0) members_[1] = open_counter(PERF_COUNT_HW_BRANCH_MISSES, leader_);
  }
  if (leader_ < 0 || members_[0] < 0 || members_[1] < 0) {
    const int error_number = errno;
    for (int fd : {leader_, members_[0], members_[1]})
      if (fd >= 0) ::close(fd);
    leader_ = -1;
    members_ = {-1, -1};
    unavailable_ = hardware_counters_unavailable_reason(error_number, read_perf_event_paranoid());
  }
}

HardwareCounters::~HardwareCounters() {
  for (int fd : {leader_, members_[0], members_[1]})
    if (fd >= 0) ::close(fd);
}

void HardwareCounters::start() {
  if (leader_ >= 0) ::ioctl(leader_, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void HardwareCounters::stop() {
  if (leader_ >= 0) ::ioctl(leader_, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

HardwareCounts HardwareCounters::totals(std::uint64_t iterations) const {
  HardwareCounts counts;
  if (leader_ < 0) {
    counts.unavailable = unavailable_;
    return counts;
  }
  struct {
    std::uint64_t count;
    std::uint64_t values[3];
  } group{};
  if (::read(leader_, &group, sizeof(group)) != static_cast<ssize_t>(sizeof(group)) ||
      group.count != 3) {
    counts.unavailable = "reading the counters failed (" + std::string(std::strerror(errno)) + ")";
    return counts;
  }
  counts.iterations = iterations;
  counts.instructions = group.values[0];
  counts.cycles = group.values[1];
  counts.branch_misses = group.values[2];
  return counts;
}

}  // namespace costops::host

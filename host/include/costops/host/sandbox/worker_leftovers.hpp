// What a worker left running after its target: threads still alive and
// processes it started that were not reaped (its children, and in its own
// PID namespace every other process there). `ok` means clean: a target
// that leaves something behind fails with this as its reason.
#pragma once

#include <cstdint>
#include <string>

namespace costops::host::sandbox {

struct WorkerLeftovers {
  std::uint64_t threads = 0;    // besides the worker's main thread
  std::uint64_t processes = 0;  // children and, in a PID namespace, orphans
  bool clean() const { return threads == 0 && processes == 0; }
};

// Counts this process's leftovers (called in the worker after teardown).
WorkerLeftovers count_leftovers();

// Threads of this process besides the calling one.
std::uint64_t other_threads();

// "the target left 3 threads and 1 process running after teardown; ..."
// naming --max-processes when the count reached the worker's limit.
std::string describe_leftovers(const WorkerLeftovers& leftovers);

}  // namespace costops::host::sandbox

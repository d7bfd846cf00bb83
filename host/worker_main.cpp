// cost-ops-worker: the child the host starts for every probe and every
// measured target (`__probe ...`, `__run-target ...`, worker_protocol.hpp).
// Its own executable so that each of the many short worker processes starts
// with only what the worker needs loaded: the host's result store links
// libpq and its two dozen libraries, which doubled a worker's start-up when
// the worker was the host binary itself.
#include <iostream>
#include <string>
#include <vector>

#include "costops/host/exit_codes.hpp"
#include "costops/host/worker/worker_main.hpp"
#include "costops/host/worker_protocol.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || !costops::host::is_worker_subcommand(args.front())) {
    std::cerr << "cost-ops-worker is started by `cost-ops run` and `cost-ops plugins`; run "
                 "those instead.\n";
    return costops::host::kExitUsage;
  }
  try {
    return costops::host::run_worker(args);
  } catch (const std::exception& e) {  // MessageError: arguments it cannot decode
    std::cerr << "error: " << e.what() << "\n";
    return costops::host::kExitUsage;
  }
}

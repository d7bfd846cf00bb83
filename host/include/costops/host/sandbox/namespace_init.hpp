// The init of a worker's PID namespace (docs/isolation.md, "Processes").
//
// The sandboxed child the host creates is born as pid 1 of a new PID
// namespace (clone_into_namespaces). It enters the sandbox's layers and execs
// the worker program as `__sandbox-init ARGS`: that process stays pid 1,
// forks the worker proper (pid 2), waits for it and reports its wait status
// on the report descriptor, then exits, and with it the kernel kills whatever
// the plugin left in the namespace. The worker continues in the forked
// process without a second exec; any other program (valgrind, a test's
// shell) is exec'd there with `--exec PROGRAM ARGS`.
//
// pid 1 is the init, not the worker, because the kernel never lets a
// namespace's init die of a signal it sends itself: a plugin's abort() would
// end as something else.
#pragma once

#include <string>
#include <vector>

namespace costops::host::sandbox {

// The command line the sandboxed child execs: `init_program __sandbox-init
// ARGS` when `executable` is the init program itself, else `init_program
// __sandbox-init --exec EXECUTABLE ARGS`.
std::vector<std::string> namespace_init_command(const std::string& init_program,
                                                const std::string& executable,
                                                const std::vector<std::string>& arguments);

// In the worker program, for `__sandbox-init ARGS` (`args` starts with it).
// As pid 1: forks, and in the parent serves as the namespace's init until
// the worker ends (never returns there). Returns in the worker, or in this
// very process where there is no PID namespace, the worker's own arguments;
// with --exec it execs that program instead. Either way the report
// descriptor is closed first: the plugin has no descriptor of the host's
// pipe (though it may reach it by path: init_exit_code).
std::vector<std::string> continue_as_worker_under_init(const std::vector<std::string>& args);

// The exit code the init ends with for the worker's wait status: its exit
// code, or 128 + the signal that killed it. The wait status on the report
// pipe is the host's only if it agrees with this code: where the plugin sees
// the host's /proc (no PID namespace, or one without its own /proc) it can
// open the host's end of that pipe and write a status of its choosing, but
// it cannot change how the init exits.
int init_exit_code(int worker_status);

}  // namespace costops::host::sandbox

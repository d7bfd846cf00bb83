// Callgrind client requests around run(): the only worker code that includes
// valgrind's headers. Outside Valgrind the requests are a few no-op
// instructions.
#pragma once

namespace costops::host {

// True when the worker runs under Valgrind.
bool running_under_valgrind();

// Start and stop callgrind's event collection (in pairs); the host runs
// callgrind with --collect-atstart=no, so only what lies between counts.
void start_counting_instructions();
void stop_counting_instructions();

}  // namespace costops::host

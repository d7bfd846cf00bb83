// The child side of the worker protocol: what the host binary does when it
// is re-executed as a worker (hidden subcommands __probe and __run-target).
// Everything under worker/ runs with plugin code loaded in the process.
#pragma once

#include <string>
#include <vector>

namespace costops::host {

// Decodes argv[1..] (worker_protocol.hpp), loads the plugin, probes it or
// measures one target, writes one JSON message to the result fd and returns
// the process exit code. Throws MessageError for arguments it cannot decode.
int run_worker(const std::vector<std::string>& args);

}  // namespace costops::host

// Naming the limit a worker ran into: a target that ends by exceeding a
// sandbox limit gets a reason naming the limit and the option that sets it,
// e.g. "file size limit 1 GiB (--file-size-limit) exceeded".
#pragma once

#include <cstdint>
#include <string>

#include "costops/host/child_process.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"

namespace costops::host::sandbox {

// Host side, for a worker that ended without a result: "" or the limit it
// exceeded, followed by "; " (SIGXFSZ: the file size limit).
std::string limit_reason(const ChildResult& child, const SandboxPolicy& policy);

// Worker side, after a target failed: "" or "memory limit 4 GiB
// (--memory-limit) reached; " when the worker's peak address space came
// within a few percent of its RLIMIT_AS (an allocation then failed).
std::string memory_limit_note();

}  // namespace costops::host::sandbox

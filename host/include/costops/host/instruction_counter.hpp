// --measure instructions, the host's side: the worker runs under Valgrind's
// callgrind with collection off until the worker's client requests switch it
// on around run() (worker/instruction_count.hpp); callgrind's totals divided
// by the counted iterations are the instructions per operation.
// Deterministic for deterministic code: two runs of one build agree exactly,
// so a plain threshold can gate on it in CI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "costops/host/child_process.hpp"

namespace costops::host {

// The valgrind executable found on PATH, or "" (install the `valgrind`
// package: scripts/setup.sh).
std::string find_valgrind();

// A temporary file for callgrind's output, removed on destruction.
class CallgrindOutputFile {
 public:
  CallgrindOutputFile();
  ~CallgrindOutputFile();
  CallgrindOutputFile(const CallgrindOutputFile&) = delete;
  CallgrindOutputFile& operator=(const CallgrindOutputFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `worker` run as `valgrind --tool=callgrind --collect-atstart=no
// --callgrind-out-file=OUT -- worker...`.
ChildRequest under_callgrind(const ChildRequest& worker, const std::string& valgrind,
                             const std::filesystem::path& out_file);

// The "totals:" (or "summary:") count of the first event (Ir, instructions)
// in a callgrind output file; nullopt when absent or unreadable.
std::optional<std::uint64_t> callgrind_total_instructions(const std::filesystem::path& out_file);

}  // namespace costops::host

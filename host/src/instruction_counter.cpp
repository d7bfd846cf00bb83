#include "costops/host/instruction_counter.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace costops::host {

namespace fs = std::filesystem;

std::string find_valgrind() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / "valgrind";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

CallgrindOutputFile::CallgrindOutputFile() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/costops-callgrind-XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd >= 0) {
    ::close(fd);
    path_ = pattern;
  }
}

CallgrindOutputFile::~CallgrindOutputFile() {
  std::error_code ignored;
  if (!path_.empty()) fs::remove(path_, ignored);
}

ChildRequest under_callgrind(const ChildRequest& worker, const std::string& valgrind,
                             const fs::path& out_file) {
  ChildRequest request = worker;
  request.executable = valgrind;
  request.writable_file = out_file.string();  // valgrind writes it from inside the sandbox
  request.arguments = {"--tool=callgrind",
                       "--collect-atstart=no",
                       "--callgrind-out-file=" + out_file.string(),
                       "--quiet",
                       "--",
                       worker.executable};
  request.arguments.insert(request.arguments.end(), worker.arguments.begin(),
                           worker.arguments.end());
  return request;
}

std::optional<std::uint64_t> callgrind_total_instructions(const fs::path& out_file) {
  std::ifstream in(out_file);
  std::optional<std::uint64_t> summary;
  for (std::string line; std::getline(in, line);) {
    for (const char* key : {"totals:", "summary:"}) {
      if (line.rfind(key, 0) != 0) continue;
      std::istringstream fields(line.substr(std::string(key).size()));
      std::uint64_t count = 0;
      if (fields >> count) {
        if (std::string(key) == "totals:") return count;
        summary = count;
      }
    }
  }
  return summary;
}

}  // namespace costops::host

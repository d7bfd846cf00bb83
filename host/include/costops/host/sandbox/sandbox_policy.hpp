// What the worker sandbox enforces: the limits of `run` and `plugins`
// (--memory-limit, --max-processes, --file-size-limit) and the host paths a
// worker must not see. Parsed once by the command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace costops::host::sandbox {

struct SandboxPolicy {
  // Address space of one worker (RLIMIT_AS); 0 = no limit. Default: the
  // machine's physical memory (default_memory_limit), so a runaway plugin
  // fails its allocation instead of pushing the machine into swap.
  std::uint64_t memory_limit_bytes = 0;
  // Processes and threads one worker may have at once, itself included
  // (RLIMIT_NPROC in the worker's own user namespace); 0 = no limit.
  std::uint64_t max_processes = 1024;
  // Largest file a worker may write (RLIMIT_FSIZE); its private temporary
  // directory holds twice that. 0 = no limit.
  std::uint64_t file_size_limit_bytes = std::uint64_t{1} << 30;
  // Host directories covered by an empty read-only directory in the
  // worker (the output directory): nothing in them to read or write.
  std::vector<std::filesystem::path> hidden_paths;
};

// Adds `directory` to the paths hidden from workers, unless it is "/" or a
// path in `needed_by_workers` (plugin directories, the worker program, the
// temporary directory) lies inside it. Whether it was added.
bool hide_directory(SandboxPolicy& policy, const std::filesystem::path& directory,
                    const std::vector<std::filesystem::path>& needed_by_workers);

// Adds `output_dir` to the paths hidden from workers, unless a plugin
// directory or the worker program lies inside it (`-o .` in a checkout):
// hidden, the worker could not load them; it stays read-only then.
void hide_output_directory(SandboxPolicy& policy, const std::filesystem::path& output_dir,
                           const std::vector<std::filesystem::path>& needed_by_workers);

// Physical memory (MemTotal), or 4 GiB where /proc/meminfo cannot be read.
std::uint64_t default_memory_limit();

// "4G", "512M", "64k", "1073741824" (binary units: k, M, G, T, with an
// optional "iB"/"B"), or "none" for 0. nullopt for anything else.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// "4 GiB", "512 MiB", "1000 bytes": a limit as the messages name it.
std::string describe_byte_size(std::uint64_t bytes);

}  // namespace costops::host::sandbox

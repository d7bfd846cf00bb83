// Writes a file so that readers see either the old complete file or the new
// complete file, never a part: write a temporary in the same directory,
// fsync it, rename it over the target. A crash or Ctrl-C at any point leaves
// at most a stray temporary, which the next run of the host removes.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace costops::host {

class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// When the content reaches the disk: `now` (fsync before the rename) or
// `later` (the caller flushes many files at once with flush_file_system).
// Either way readers never see a partial file.
enum class Flush { now, later };

// Throws FileWriteError naming the file and the system's reason. Refuses to
// replace a symbolic link. Files are created with kOutputFileMode (files/file_modes.hpp).
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Flush flush = Flush::now);

// Flushes the file system holding `dir` (syncfs): one flush for every file
// written with Flush::later. Throws FileWriteError.
void flush_file_system(const std::filesystem::path& dir);

// Appends `line` and a newline to `path` (created with kOutputFileMode, never through a
// symbolic link) in one write. Not flushed to the disk: once write() returns
// the line is in the kernel's page cache and survives the writer's crash,
// SIGKILL or Ctrl-C; only losing the machine itself could lose it, and a
// flush per line would make every line cost a disk round trip (0.5 to 8 ms
// here). Throws FileWriteError.
void append_line(const std::filesystem::path& path, std::string_view line);

// Removes temporaries left by an interrupted write_file_atomically in `dir`.
void remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace costops::host

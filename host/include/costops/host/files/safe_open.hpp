// The one way the host opens a path it reads or writes: never through a
// symbolic link, never blocking (a FIFO planted where a file belongs would
// hang open() and every read forever, out of reach of --timeout), and only
// when the path is a regular file. Every other kind is refused with an
// error that names what the path really is.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace costops::host {

// A path that is not a regular file, or that cannot be opened or read.
// The message names the file, what it is and what to do.
class UnsafeFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a path really is, for messages: "a FIFO", "a socket", "a character
// device", "a block device", "a directory", "a symbolic link to ...", "a
// symbolic link loop", "a regular file", "missing". Never follows a link
// further than to say where it points.
std::string describe_path_kind(const std::filesystem::path& path);

// An open descriptor owned by this object (closed by the destructor).
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Opens `path` with `flags` (O_RDONLY, O_WRONLY|O_CREAT|O_APPEND, ...) plus
// O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC, checks with fstat that it is a regular
// file, then clears O_NONBLOCK. Returns an invalid descriptor (get() < 0)
// with errno set only when the file does not exist and O_CREAT was not
// given; throws UnsafeFileError for every other failure.
FileDescriptor open_regular_file(const std::filesystem::path& path, int flags,
                                 unsigned mode = 0640);

// The whole content of the regular file `path`, at most `max_bytes`
// (larger is refused, naming the limit). Throws UnsafeFileError, also when
// the file does not exist.
std::string read_regular_file(const std::filesystem::path& path,
                              std::size_t max_bytes = std::size_t{256} << 20);

}  // namespace costops::host

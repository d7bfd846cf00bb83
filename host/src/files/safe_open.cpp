#include "costops/host/files/safe_open.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace costops::host {

namespace fs = std::filesystem;

namespace {

const char* kind_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "a file of unknown type";
}

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw UnsafeFileError(path.string() + " " + why);
}

}  // namespace

std::string describe_path_kind(const fs::path& path) {
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) return "missing";
  if (!S_ISLNK(link.st_mode)) return kind_of_mode(link.st_mode);
  std::error_code ec;
  const fs::path target = fs::read_symlink(path, ec);
  struct stat followed {};
  if (::stat(path.c_str(), &followed) != 0) {
    if (errno == ELOOP) return "a symbolic link loop";
    return "a dangling symbolic link to " + target.string();
  }
  return "a symbolic link to " + target.string() + ", " + kind_of_mode(followed.st_mode);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor open_regular_file(const fs::path& path, int flags, unsigned mode) {
  const int fd =
      ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT && !(flags & O_CREAT)) return FileDescriptor{};
    if (error == ELOOP || error == ENXIO || error == EISDIR || error == EWOULDBLOCK)
      refuse(path, "is " + describe_path_kind(path) +
                       ", not a regular file; the host only opens regular files it can trust. "
                       "Remove it or choose another path");
    refuse(path, std::string("cannot be opened: ") + std::strerror(error));
  }
  FileDescriptor owned(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    refuse(path, std::string("cannot be examined: ") + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    refuse(path, std::string("is ") + kind_of_mode(info.st_mode) +
                     ", not a regular file; the host only opens regular files it can trust. "
                     "Remove it or choose another path");
  const int status = ::fcntl(fd, F_GETFL);
  if (status < 0 || ::fcntl(fd, F_SETFL, status & ~O_NONBLOCK) != 0)
    refuse(path, std::string("cannot be set to blocking mode: ") + std::strerror(errno));
  return owned;
}

std::string read_regular_file(const fs::path& path, std::size_t max_bytes) {
  const FileDescriptor fd = open_regular_file(path, O_RDONLY);
  if (fd.get() < 0) refuse(path, "does not exist");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    refuse(path, std::string("cannot be examined: ") + std::strerror(errno));
  if (static_cast<std::uintmax_t>(info.st_size) > max_bytes)
    refuse(path, "is larger than " + std::to_string(max_bytes) +
                     " bytes, more than the host ever writes there; is it the right file?");
  std::string text;
  text.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) refuse(path, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes)  // it grew while being read
      refuse(path, "is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

}  // namespace costops::host

#include "costops/host/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "costops/host/files/file_modes.hpp"
#include "costops/host/files/safe_open.hpp"

namespace costops::host {

namespace {

constexpr std::string_view kTemporaryMarker = ".cost-ops-tmp-";

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  throw FileWriteError("cannot write " + path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           Flush flush) {
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0 && S_ISLNK(existing.st_mode)) {
    errno = ELOOP;
    fail(path, "it is a symbolic link, which the host never follows when writing");
  }
  std::string temporary_name = ".";
  temporary_name.append(path.filename().string());
  temporary_name.append(kTemporaryMarker);
  temporary_name.append(std::to_string(::getpid()));
  const std::filesystem::path temporary = path.parent_path() / temporary_name;
  // A fresh file of our own: whatever sits at the temporary's name (a stale
  // temporary, or a FIFO or link planted there) is removed, never opened.
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
             kOutputFileMode);
  if (fd < 0) fail(path, "creating the temporary file");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;  // a zero-byte write makes no progress: the disk is full
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      errno = saved;
      fail(path, "writing");
    }
    written += static_cast<std::size_t>(n);
  }
  if ((flush == Flush::now && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    fail(path, "flushing");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    fail(path, "renaming the temporary file into place");
  }
}

void flush_file_system(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(dir, "opening to flush");
  const bool flushed = ::syncfs(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (!flushed) fail(dir, "flushing");
}

void append_line(const std::filesystem::path& path, std::string_view line) {
  FileDescriptor fd;
  try {
    fd = open_regular_file(path, O_WRONLY | O_APPEND | O_CREAT, kOutputFileMode);
  } catch (const UnsafeFileError& e) {
    throw FileWriteError(std::string("cannot append to ") + e.what());
  }
  const off_t start = ::lseek(fd.get(), 0, SEEK_END);
  std::string text(line);
  text += '\n';
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;  // a zero-byte write makes no progress: the disk is full
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  if (written == text.size()) return;
  const int saved = errno;
  // Never leave half a line: cut the file back to where this line began.
  if (start >= 0 && written > 0 && ::ftruncate(fd.get(), start) != 0) {
    errno = saved;
    fail(path, "appending (and a partial line could not be removed)");
  }
  errno = saved;
  fail(path, "appending");
}

void remove_stale_temporaries(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(kTemporaryMarker) != std::string::npos && entry.is_regular_file(ec))
      std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace costops::host

#include "costops/host/files/host_key.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kKeyBytes = 32;

const char* kind_label(SignedKind kind) {
  switch (kind) {
    case SignedKind::baseline:
      return "cost-ops baseline v1";
    case SignedKind::journal:
      return "cost-ops journal v1";
    case SignedKind::probe_cache:
      return "cost-ops probe cache v1";
    case SignedKind::results:
      return "cost-ops results v1";
  }
  return "cost-ops";
}

std::string random_key() {
  std::string key(kKeyBytes, '\0');
  std::size_t filled = 0;
  while (filled < key.size()) {
    const ssize_t n = ::getrandom(key.data() + filled, key.size() - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw HostKeyError(std::string("no random bytes for the host key: ") + std::strerror(errno));
    filled += static_cast<std::size_t>(n);
  }
  return key;
}

// Creates the key file with O_EXCL: two hosts starting at once agree on the
// first one written (the loser reads the winner's).
bool create_key_file(const fs::path& file) {
  const fs::path dir = file.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  const fs::path temporary = dir / (".host.key.tmp-" + std::to_string(::getpid()));
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw HostKeyError("cannot create the host key " + file.string() + ": " + std::strerror(errno));
  const std::string key = random_key();
  const bool written =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  const bool closed = ::close(fd) == 0;
  // link() fails when the file exists: never replace a key already in use.
  const bool placed = written && closed && ::link(temporary.c_str(), file.c_str()) == 0;
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (!written || !closed)
    throw HostKeyError("cannot write the host key " + file.string() + ": " + std::strerror(saved));
  if (!placed && link_error != EEXIST)
    throw HostKeyError("cannot create the host key " + file.string() + ": " +
                       std::strerror(link_error));
  return placed;
}

}  // namespace

fs::path default_host_key_file() {
  if (const char* named = std::getenv("COST_OPS_HOST_KEY"); named && *named == '/') return named;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state == '/')
    return fs::path(state) / "cost-ops" / "host.key";
  if (const char* home = std::getenv("HOME"); home && *home == '/')
    return fs::path(home) / ".local" / "state" / "cost-ops" / "host.key";
  return {};
}

std::string load_or_create_host_key(const fs::path& file) {
  struct stat info {};
  if (::lstat(file.c_str(), &info) != 0) create_key_file(file);
  FileDescriptor fd;
  try {
    fd = open_regular_file(file, O_RDONLY);
  } catch (const UnsafeFileError& e) {
    throw HostKeyError(std::string("host key: ") + e.what());
  }
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0)
    throw HostKeyError("cannot read the host key " + file.string() + ": " + std::strerror(errno));
  // A file COST_OPS_HOST_KEY names may be anything (/etc/hostname): the
  // advice to remove it or change its mode is given only for a file that is
  // a key (32 bytes of this user's) or lies where the host keeps its own.
  const char* named = std::getenv("COST_OPS_HOST_KEY");
  const bool named_by_user = named != nullptr && fs::path(named) == file;
  const std::string point_elsewhere =
      "; COST_OPS_HOST_KEY names it: point it at a key file of your own, or unset it to use "
      "the default";
  if (info.st_uid != ::getuid())
    throw HostKeyError("the host key " + file.string() + " belongs to another user" +
                       (named_by_user ? point_elsewhere
                                      : "; remove it (a new key is made) or set "
                                        "COST_OPS_HOST_KEY to a key file of your own"));
  if (info.st_size != static_cast<off_t>(kKeyBytes))
    throw HostKeyError(
        named_by_user
            ? file.string() + " is not a host key (a host key is " + std::to_string(kKeyBytes) +
                  " bytes, this file " + std::to_string(info.st_size) + ")" + point_elsewhere
            : "the host key " + file.string() + " is not " + std::to_string(kKeyBytes) +
                  " bytes; remove it and the host makes a new one (files it signed before are "
                  "then no longer trusted)");
  if (info.st_mode & 0077)
    throw HostKeyError("the host key " + file.string() +
                       " can be read by other users; run `chmod 600 " + file.string() + "`");
  std::string key(kKeyBytes + 1, '\0');
  const ssize_t n = ::read(fd.get(), key.data(), key.size());
  if (n != static_cast<ssize_t>(kKeyBytes))
    throw HostKeyError("cannot read the host key " + file.string() + ": " +
                       (n < 0 ? std::strerror(errno) : "it changed while being read"));
  key.resize(kKeyBytes);
  return key;
}

const HostKey& host_key() {
  static const HostKey key = [] {
    HostKey loaded;
    const fs::path file = default_host_key_file();
    if (file.empty()) {
      loaded.problem = "no host key: set HOME, XDG_STATE_HOME or COST_OPS_HOST_KEY";
      return loaded;
    }
    try {
      loaded.bytes = load_or_create_host_key(file);
    } catch (const HostKeyError& e) {
      loaded.problem = e.what();
    }
    return loaded;
  }();
  return key;
}

std::string signature(const std::string& key, SignedKind kind, std::string_view content) {
  std::string message = kind_label(kind);
  message += '\0';
  message += content;
  return to_hex(hmac_sha256(key, message));
}

std::string host_key_id(const std::string& key) {
  return to_hex(hmac_sha256(key, std::string("cost-ops host key id v1"))).substr(0, 16);
}

bool signature_matches(const std::string& key, SignedKind kind, std::string_view content,
                       std::string_view tag) {
  return constant_time_equal(signature(key, kind, content), tag);
}

}  // namespace costops::host

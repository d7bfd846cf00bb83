#include "costops/host/probe_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <map>
#include <sstream>

#include "costops/bench_target_v1.h"
#include "costops/host/atomic_file.hpp"
#include "costops/host/build_info.hpp"
#include "costops/host/files/host_key.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

fs::path default_probe_cache_file() {
  const char* off = std::getenv("COST_OPS_NO_PROBE_CACHE");
  if (off && *off && std::string(off) != "0") return {};
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg == '/') return fs::path(xdg) / "cost-ops" / "probe-cache.json";
  if (home && *home == '/') return fs::path(home) / ".cache" / "cost-ops" / "probe-cache.json";
  return {};
}

namespace {

// Larger than any plugin or cache file: a bigger one is not hashed or read.
constexpr std::size_t kMaxPluginBytes = std::size_t{1} << 30;
constexpr std::size_t kMaxCacheBytes = std::size_t{64} << 20;

// The host binary's identity: its path, size, modification and change
// times, inode and device (hashing a multi-megabyte binary each run would
// cost more than it protects: only the user can replace it).
std::string host_file_identity(const fs::path& file) {
  struct stat s {};
  if (::stat(file.c_str(), &s) != 0) return {};
  std::ostringstream id;
  id << file.string() << "|" << s.st_size << "|" << s.st_mtim.tv_sec << "." << s.st_mtim.tv_nsec
     << "|" << s.st_ctim.tv_sec << "." << s.st_ctim.tv_nsec << "|" << s.st_ino << "|" << s.st_dev;
  return id.str();
}

// A plugin's identity is its content: a file rewritten in place with the
// same size and times (touch -r) is a different plugin. "" when unreadable.
std::string plugin_identity(const fs::path& file) {
  try {
    return file.string() + "|sha256:" + to_hex(sha256(read_regular_file(file, kMaxPluginBytes)));
  } catch (const UnsafeFileError&) {
    return {};
  }
}

// The cache file is "<signature>\n<entries as JSON>"; anything that does not
// verify under the host key (absent, damaged, edited by a plugin, a FIFO
// planted in its place) is an empty cache: every plugin is probed again.
json::object read_cache(const fs::path& file) {
  const HostKey& key = host_key();
  if (!key.bytes) return {};
  std::string text;
  try {
    text = read_regular_file(file, kMaxCacheBytes);
  } catch (const UnsafeFileError&) {
    return {};
  }
  const std::size_t newline = text.find('\n');
  if (newline == std::string::npos) return {};
  const std::string_view entries = std::string_view(text).substr(newline + 1);
  if (!signature_matches(*key.bytes, SignedKind::probe_cache, entries,
                         std::string_view(text).substr(0, newline)))
    return {};
  boost::system::error_code ec;
  json::value doc = json::parse(entries, ec);
  if (ec || !doc.is_object()) return {};
  return std::move(doc.get_object());
}

std::string signed_cache_text(const std::string& key, const json::object& entries) {
  const std::string text = to_compact_json(entries);
  return signature(key, SignedKind::probe_cache, text) + "\n" + text;
}

class CachingExecutor final : public TargetExecutor {
 public:
  CachingExecutor(std::unique_ptr<TargetExecutor> inner, fs::path cache_file,
                  const fs::path& host_executable)
      : inner_(std::move(inner)),
        cache_file_(std::move(cache_file)),
        host_identity_(
            std::string(kHostVersion) + "|abi " + std::to_string(BENCH_TARGET_V1_ABI_MAJOR) + "." +
            std::to_string(BENCH_TARGET_V1_ABI_MINOR) + "|" + host_file_identity(host_executable)),
        entries_(read_cache(cache_file_)) {}

  ~CachingExecutor() override {
    if (!learned_.empty()) save();
  }

  PluginProbe probe(const fs::path& library) override {
    const std::string key = library.string();
    const std::string identity = host_identity_ + "|" + plugin_identity(library);
    if (const PluginProbe* known = lookup(key, identity)) return *known;
    PluginProbe probe = inner_->probe(library);
    if (probe.status == TargetStatus::ok && identity != host_identity_ + "|")
      learned_[key] = json::object{{"identity", identity}, {"probe", probe_to_json(probe)}};
    return probe;
  }

  TargetOutcome run(const fs::path& library, const std::string& target_id,
                    const MeasurementSettings& settings) override {
    return inner_->run(library, target_id, settings);
  }

  PairedOutcome run_paired(const fs::path& baseline_library, const fs::path& library,
                           const std::string& target_id,
                           const MeasurementSettings& settings) override {
    return inner_->run_paired(baseline_library, library, target_id, settings);
  }

 private:
  const PluginProbe* lookup(const std::string& key, const std::string& identity) {
    const json::value* entry = entries_.if_contains(key);
    if (!entry || !entry->is_object()) return nullptr;
    const json::value* stored = entry->get_object().if_contains("identity");
    const json::value* probe = entry->get_object().if_contains("probe");
    if (!stored || !stored->is_string() || stored->get_string() != identity || !probe)
      return nullptr;
    try {
      return &(decoded_[key] = probe_from_json(*probe));
    } catch (const std::exception&) {
      return nullptr;  // an entry this host cannot read: probe again
    }
  }

  // Merges what this run learned into the file under an exclusive lock,
  // dropping entries of files that no longer exist.
  void save() noexcept {
    try {
      const fs::path dir = cache_file_.parent_path();
      fs::create_directories(dir);
      fs::permissions(dir, fs::perms::owner_all);
      const HostKey& host = host_key();
      if (!host.bytes) return;
      const FileDescriptor lock_file =
          open_regular_file(dir / "probe-cache.lock", O_RDWR | O_CREAT, 0600);
      const int lock = lock_file.get();
      if (::flock(lock, LOCK_EX) == 0) {
        json::object merged = read_cache(cache_file_);
        for (auto& [key, entry] : learned_) merged[key] = entry;
        std::vector<std::string> gone;
        for (const auto& [key, entry] : merged)
          if (!fs::exists(fs::path(std::string(key)))) gone.emplace_back(key);
        for (const auto& key : gone) merged.erase(key);
        write_file_atomically(cache_file_, signed_cache_text(*host.bytes, merged), Flush::later);
      }
    } catch (...) {
      // Best effort: without a cache, the next run probes again.
    }
  }

  std::unique_ptr<TargetExecutor> inner_;
  fs::path cache_file_;
  std::string host_identity_;
  json::object entries_;
  std::map<std::string, PluginProbe> decoded_;
  std::map<std::string, json::object> learned_;
};

}  // namespace

std::unique_ptr<TargetExecutor> make_caching_executor(std::unique_ptr<TargetExecutor> inner,
                                                      fs::path cache_file,
                                                      const fs::path& host_executable) {
  if (cache_file.empty()) return inner;
  return std::make_unique<CachingExecutor>(std::move(inner), std::move(cache_file),
                                           host_executable);
}

}  // namespace costops::host

#include "costops/host/probe_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "costops/bench_target_v1.h"
#include "costops/host/atomic_file.hpp"
#include "costops/host/build_info.hpp"
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

// What must be unchanged for a remembered probe of `file` to hold.
std::string file_identity(const fs::path& file) {
  struct stat s {};
  if (::stat(file.c_str(), &s) != 0) return {};
  std::ostringstream id;
  id << file.string() << "|" << s.st_size << "|" << s.st_mtim.tv_sec << "." << s.st_mtim.tv_nsec
     << "|" << s.st_ino << "|" << s.st_dev;
  return id.str();
}

json::object read_cache(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) return {};  // absent or damaged: start afresh
  return std::move(doc.get_object());
}

class CachingExecutor final : public TargetExecutor {
 public:
  CachingExecutor(std::unique_ptr<TargetExecutor> inner, fs::path cache_file,
                  const fs::path& host_executable)
      : inner_(std::move(inner)),
        cache_file_(std::move(cache_file)),
        host_identity_(
            std::string(kHostVersion) + "|abi " + std::to_string(BENCH_TARGET_V1_ABI_MAJOR) + "." +
            std::to_string(BENCH_TARGET_V1_ABI_MINOR) + "|" + file_identity(host_executable)),
        entries_(read_cache(cache_file_)) {}

  ~CachingExecutor() override {
    if (!learned_.empty()) save();
  }

  PluginProbe probe(const fs::path& library) override {
    const std::string key = library.string();
    const std::string identity = host_identity_ + "|" + file_identity(library);
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
      const int lock =
          ::open((dir / "probe-cache.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (lock < 0) return;
      if (::flock(lock, LOCK_EX) == 0) {
        json::object merged = read_cache(cache_file_);
        for (auto& [key, entry] : learned_) merged[key] = entry;
        std::vector<std::string> gone;
        for (const auto& [key, entry] : merged)
          if (!fs::exists(fs::path(std::string(key)))) gone.emplace_back(key);
        for (const auto& key : gone) merged.erase(key);
        write_file_atomically(cache_file_, json::serialize(merged), Flush::later);
      }
      ::close(lock);
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

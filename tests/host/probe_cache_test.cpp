// The probe cache: answers only while the plugin file and the host are
// unchanged, remembers only ok probes, and merges concurrent writers.
#include "costops/host/probe_cache.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

// Counts probes; answers ok unless told to fail.
class CountingExecutor final : public TargetExecutor {
 public:
  explicit CountingExecutor(int& probes, bool fail = false) : probes_(probes), fail_(fail) {}
  PluginProbe probe(const fs::path& library) override {
    ++probes_;
    PluginProbe p;
    p.path = library.string();
    p.status = fail_ ? TargetStatus::crashed : TargetStatus::ok;
    p.name = "counted";
    p.version = "2.0.0";
    p.abi_major = 1;
    p.targets.push_back({"counted_target", "a target", 0});
    return p;
  }
  TargetOutcome run(const fs::path&, const std::string&, const MeasurementSettings&) override {
    return {};
  }

 private:
  int& probes_;
  bool fail_;
};

struct CacheFixture {
  fs::path root = fs::temp_directory_path() / ("probe-cache-" + std::to_string(::getpid()));
  fs::path cache = root / "cache" / "probe-cache.json";
  fs::path host = root / "cost-ops";
  fs::path plugin = root / "a.so";
  int probes = 0;
  CacheFixture() {
    fs::create_directories(root);
    std::ofstream(host) << "host binary";
    std::ofstream(plugin) << "plugin v1";
  }
  ~CacheFixture() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  PluginProbe probe_once(bool fail = false) {
    auto executor =
        make_caching_executor(std::make_unique<CountingExecutor>(probes, fail), cache, host);
    return executor->probe(plugin);
  }
  void touch(const fs::path& file, const std::string& content) {
    std::ofstream(file) << content;
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
  }
};

}  // namespace

TEST_CASE("probe cache: a second probe of an unchanged file is answered from the cache") {
  CacheFixture f;
  CHECK(f.probe_once().name == "counted");
  CHECK(f.probes == 1);
  const PluginProbe cached = f.probe_once();
  CHECK(f.probes == 1);
  CHECK(cached.status == TargetStatus::ok);
  REQUIRE(cached.targets.size() == 1);
  CHECK(cached.targets[0].id == "counted_target");
  CHECK((fs::status(f.cache.parent_path()).permissions() & fs::perms::group_all) ==
        fs::perms::none);
}

TEST_CASE("probe cache: a changed plugin file or host binary is probed again") {
  CacheFixture f;
  f.probe_once();
  f.touch(f.plugin, "plugin v2, longer");
  f.probe_once();
  CHECK(f.probes == 2);
  f.probe_once();
  CHECK(f.probes == 2);
  f.touch(f.host, "a rebuilt host");
  f.probe_once();
  CHECK(f.probes == 3);
}

TEST_CASE("probe cache: failures are not remembered; a damaged cache is ignored") {
  CacheFixture f;
  CHECK(f.probe_once(true).status == TargetStatus::crashed);
  CHECK(f.probe_once(true).status == TargetStatus::crashed);
  CHECK(f.probes == 2);
  fs::create_directories(f.cache.parent_path());
  std::ofstream(f.cache) << "{not json";
  f.probe_once();
  f.probe_once();
  CHECK(f.probes == 3);
  CHECK(make_caching_executor(std::make_unique<CountingExecutor>(f.probes), "", f.host) !=
        nullptr);  // "" = caching off: the inner executor itself
}

TEST_CASE("probe cache: concurrent writers merge, none is lost") {
  CacheFixture f;
  std::vector<fs::path> plugins;
  for (int i = 0; i < 8; ++i) {
    plugins.push_back(f.root / ("p" + std::to_string(i) + ".so"));
    std::ofstream(plugins.back()) << "plugin " << i;
  }
  std::vector<int> counts(plugins.size(), 0);
  std::vector<std::thread> writers;
  for (std::size_t i = 0; i < plugins.size(); ++i)
    writers.emplace_back([&, i] {
      auto executor =
          make_caching_executor(std::make_unique<CountingExecutor>(counts[i]), f.cache, f.host);
      executor->probe(plugins[i]);
    });
  for (auto& w : writers) w.join();
  int again = 0;
  auto executor = make_caching_executor(std::make_unique<CountingExecutor>(again), f.cache, f.host);
  for (const auto& p : plugins) executor->probe(p);
  CHECK(again == 0);
}

#include "costops/host/environment_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "costops/host/build_info.hpp"

namespace costops::host {

namespace {

std::string first_line_of(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

// Value of the first "key : value" line of /proc/cpuinfo with this key.
std::string cpuinfo_value(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

std::string detect_virtualization() {
  const std::string flags = cpuinfo_value("flags");
  if (flags.empty()) return "unknown";
  if ((" " + flags + " ").find(" hypervisor ") == std::string::npos) return "none";
  const std::string vendor = first_line_of("/sys/class/dmi/id/sys_vendor");
  const std::string product = first_line_of("/sys/class/dmi/id/product_name");
  std::string name = vendor.empty() ? product : vendor + (product.empty() ? "" : " " + product);
  return name.empty() ? "hypervisor" : name;
}

}  // namespace

EnvironmentInfo collect_environment() {
  EnvironmentInfo info;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) info.host_name = name;
  utsname uts{};
  if (::uname(&uts) == 0)
    info.os = std::string(uts.sysname) + " " + uts.release + " " + uts.machine;
  info.cpu_model = cpuinfo_value("model name");
  if (info.cpu_model.empty()) info.cpu_model = "unknown";
  info.logical_cpus = std::thread::hardware_concurrency();
  double load[1];
  if (::getloadavg(load, 1) == 1) info.load_average_1m = load[0];
  info.frequency_governor = first_line_of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  info.virtualization = detect_virtualization();
  info.host_compiler = kHostCompiler;
  info.host_build_type = kHostBuildType;
  info.host_version = kHostVersion;
  info.git_commit = kHostGitCommit;
  info.git_dirty = kHostGitDirty;
  info.warnings = environment_warnings(info);
  return info;
}

std::vector<std::string> environment_warnings(const EnvironmentInfo& info) {
  std::vector<std::string> warnings;
  if (info.logical_cpus != 0 && info.load_average_1m > static_cast<double>(info.logical_cpus)) {
    char text[160];
    std::snprintf(text, sizeof text, "load average %.2f is above the %u logical CPUs",
                  info.load_average_1m, info.logical_cpus);
    warnings.emplace_back(text);
  }
  if (!info.frequency_governor.empty() && info.frequency_governor != "performance")
    warnings.push_back("CPU frequency governor is \"" + info.frequency_governor +
                       "\", not \"performance\": frequency scaling adds noise");
  if (info.virtualization != "none" && info.virtualization != "unknown")
    warnings.push_back("running under virtualization (" + info.virtualization +
                       "): neighbours and steal time add noise");
  if (info.host_build_type != "Release" && info.host_build_type != "RelWithDebInfo")
    warnings.push_back("the host is a " + info.host_build_type + " build");
  return warnings;
}

boost::json::object environment_to_json(const EnvironmentInfo& info) {
  boost::json::array warnings;
  for (const auto& w : info.warnings) warnings.emplace_back(w);
  boost::json::object o{{"host_name", info.host_name},
                        {"os", info.os},
                        {"cpu_model", info.cpu_model},
                        {"logical_cpus", info.logical_cpus},
                        {"frequency_governor", info.frequency_governor},
                        {"virtualization", info.virtualization},
                        {"host_compiler", info.host_compiler},
                        {"host_build_type", info.host_build_type},
                        {"host_version", info.host_version},
                        {"git_commit", info.git_commit},
                        {"git_dirty", info.git_dirty},
                        {"warnings", std::move(warnings)}};
  if (!info.isolation.mode.empty()) o["isolation"] = sandbox::isolation_to_json(info.isolation);
  if (info.cpu_mhz > 0) o["cpu_mhz"] = info.cpu_mhz;
  if (!info.cpu_caches.empty()) {
    boost::json::array caches;
    for (const CpuCache& c : info.cpu_caches)
      caches.push_back(boost::json::object{{"type", c.type},
                                           {"level", c.level},
                                           {"size_bytes", c.size_bytes},
                                           {"shared_by_cpus", c.shared_by_cpus}});
    o["cpu_caches"] = std::move(caches);
  }
  if (!info.tool_build_type.empty()) o["tool_build_type"] = info.tool_build_type;
  if (info.load_average_1m >= 0)
    o["load_average_1m"] = info.load_average_1m;
  else
    o["load_average_1m"] = nullptr;
  return o;
}

}  // namespace costops::host

#include "costops/host/import/imported_environment.hpp"

namespace costops::host {

EnvironmentInfo imported_environment(const ImportedMachine& machine, EnvironmentInfo importing) {
  EnvironmentInfo env = std::move(importing);
  const bool elsewhere = !machine.host_name.empty() && machine.host_name != env.host_name;
  if (elsewhere) {
    env.host_name = machine.host_name;
    env.os = "unknown";
    env.cpu_model = "unknown";
    env.logical_cpus = 0;
    env.frequency_governor.clear();
    env.virtualization = "unknown";
    env.load_average_1m = -1;
  }
  if (machine.logical_cpus > 0) env.logical_cpus = machine.logical_cpus;
  // The load when the benchmarks ran, rather than when they were imported.
  if (machine.load_average_1m >= 0) env.load_average_1m = machine.load_average_1m;
  env.cpu_mhz = machine.cpu_mhz;
  env.cpu_caches = machine.caches;
  env.tool_build_type = machine.library_build_type;
  // The host's own build type says nothing about numbers it only imports.
  EnvironmentInfo judged = env;
  judged.host_build_type = "Release";
  std::vector<std::string> warnings = environment_warnings(judged);
  if (elsewhere)
    warnings.push_back("the benchmarks ran on " + machine.host_name + ", not on the importing " +
                       "machine: what the tool's files do not say about it is unknown");
  const bool governor_said =
      !env.frequency_governor.empty() && env.frequency_governor != "performance";
  if (machine.frequency_scaling.value_or(false) && !governor_said)
    warnings.push_back("the tool saw CPU frequency scaling enabled: it adds noise");
  if (machine.library_build_type == "debug")
    warnings.push_back("the tool's library is a debug build: its timing overhead is larger");
  env.warnings = std::move(warnings);
  return env;
}

void identify_imported_machine(RunProvenance& provenance, const EnvironmentInfo& imported,
                               const std::string& importing_host) {
  if (provenance.machine_id.empty() && imported.host_name != importing_host)
    provenance.machine_id = imported.host_name;
  identify_machine(provenance, imported.host_name, imported.cpu_model);
}

}  // namespace costops::host

// The environment an imported run records (results.json "environment", as
// a native run records its own): what the tool's files say about the
// machine that ran the benchmarks (Google Benchmark's context block), over
// what `cost-ops import` finds on the machine it runs on.
#pragma once

#include "costops/host/environment_info.hpp"
#include "costops/host/import/imported_run.hpp"
#include "costops/host/run_provenance.hpp"

namespace costops::host {

// `importing` is collect_environment() of the importing machine. The
// tool's host name, CPUs, load average (at the time it ran), clock, caches
// and library build replace or complete it. When the files name another
// host than the importing one, what they do not say (OS, CPU model,
// governor, virtualization) is "unknown", never the importer's. Warnings
// are those of a native run for the same facts, plus the tool's own: CPU
// frequency scaling it saw enabled, a debug build of its library.
EnvironmentInfo imported_environment(const ImportedMachine& machine, EnvironmentInfo importing);

// The run's machine (provenance.machine_id) unless --machine named one:
// the usual default (host name and this machine's id) when the benchmarks
// ran here, else the tool's host name alone, since this machine's id is
// not that host's.
void identify_imported_machine(RunProvenance& provenance, const EnvironmentInfo& imported,
                               const std::string& importing_host);

}  // namespace costops::host

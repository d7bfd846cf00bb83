#include "costops/host/worker/worker_main.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>

#include "costops/host/child_process.hpp"
#include "costops/host/sandbox/limit_reasons.hpp"
#include "costops/host/sandbox/namespace_init.hpp"
#include "costops/host/sandbox/worker_leftovers.hpp"
#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/paired_measurement.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

namespace {

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// Sends the worker's result; returns its exit code, or leaves at once while
// a plugin thread still runs: unloading the plugin under that thread, or
// the exit handlers (static destructors, LeakSanitizer stopping every
// thread), would pull code and data from under it, and the worker dying of
// SIGSEGV would turn the result sent into "crashed".
int send_result(const std::string& message) {
  std::fflush(nullptr);  // the plugin's own stdio, not to be lost at _exit
  const int exit_code = write_all(kWorkerResultFd, message) ? 0 : 1;
  if (sandbox::other_threads() != 0) ::_exit(exit_code);
  return exit_code;
}

int run_probe_worker(const std::filesystem::path& library) {
  PluginLibrary plugin(library);
  return send_result(boost::json::serialize(probe_to_json(plugin.probe())));
}

// `ok` means clean (docs/isolation.md): a target that left threads or
// processes running fails, and a failure at the memory limit names it.
// Returns whether the measurement still stands.
template <typename Measurement>
bool account_for_sandbox(Measurement& measurement) {
  if (!measurement.succeeded) {
    measurement.failure_message = sandbox::memory_limit_note() + measurement.failure_message;
    return false;
  }
  const sandbox::WorkerLeftovers leftovers = sandbox::count_leftovers();
  if (leftovers.clean()) return true;
  measurement.succeeded = false;
  measurement.failure_phase = "teardown";
  measurement.failure_message = sandbox::describe_leftovers(leftovers);
  return false;
}

int run_paired_worker(const WorkerRequest& request) {
  PairedMeasurement measurement = measure_paired_request(request);
  const bool measured = measurement.succeeded;
  if (!account_for_sandbox(measurement) && measured) {  // it left something behind
    measurement.failure_side = kEitherSide;
    measurement.pairs.clear();
  }
  return send_result(boost::json::serialize(paired_to_json(measurement)));
}

int run_target_worker(const std::filesystem::path& library, const std::string& target_id,
                      const MeasurementSettings& settings) {
  PluginLibrary plugin(library, OwnSymbolCheck::probed_already);
  TargetMeasurement measurement;
  if (!plugin.usable()) {
    measurement.failure_phase = "load";
    measurement.failure_message = plugin.probe().reason;
  } else if (const auto call = find_target_call(plugin.descriptor(), target_id)) {
    measurement = measure_target(*call, settings);
    account_for_sandbox(measurement);
  } else {
    measurement.failure_phase = "load";
    measurement.failure_message = "the plugin does not offer target " + target_id;
  }
  return send_result(boost::json::serialize(measurement_to_json(measurement)));
}

}  // namespace

int run_worker(const std::vector<std::string>& args) {
  if (!args.empty() && args.front() == kSandboxInitSubcommand)
    return run_worker(sandbox::continue_as_worker_under_init(args));
  const WorkerRequest request = decode_worker_arguments(args);
  if (request.task == WorkerTask::probe) return run_probe_worker(request.plugin);
  if (request.task == WorkerTask::run_paired) return run_paired_worker(request);
  return run_target_worker(request.plugin, request.target, request.settings);
}

}  // namespace costops::host

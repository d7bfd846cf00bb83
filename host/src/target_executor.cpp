#include "costops/host/target_executor.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include <unistd.h>

#include "costops/host/child_process.hpp"
#include "costops/host/instruction_counter.hpp"
#include "costops/host/result_plausibility.hpp"
#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/isolation_report.hpp"
#include "costops/host/sandbox/limit_reasons.hpp"
#include "costops/host/sandbox/worker_sandbox.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/paired_measurement.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

namespace {

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

// Why a child ended without a usable message, in words for the user.
std::string describe_abnormal_end(const ChildResult& child, double timeout_seconds,
                                  const char* timeout_option) {
  switch (child.ending) {
    case ChildResult::Ending::signaled:
      return "killed by " + describe_signal(child.signal_number);
    case ChildResult::Ending::timed_out:
      return "no result after " + format_seconds(timeout_seconds) +
             " s; its process group was killed (raise " + timeout_option + " if it is just slow)";
    case ChildResult::Ending::interrupted:
      return "interrupted before it finished";
    case ChildResult::Ending::spawn_failed:
      return "could not start the worker process: " + child.spawn_error;
    case ChildResult::Ending::result_too_large:
      return "result message larger than " + std::to_string(ChildRequest{}.max_result_bytes) +
             " bytes; the worker was killed (a plugin writing to file descriptor 3?)";
    case ChildResult::Ending::exited:
      break;
  }
  if (child.exit_code == 0)
    return "the process exited with code 0 before reporting a result (did the plugin call "
           "exit()?)";
  return "the process exited with code " + std::to_string(child.exit_code) +
         " before reporting a result";
}

TargetStatus status_of_abnormal_end(const ChildResult& child) {
  switch (child.ending) {
    case ChildResult::Ending::timed_out:
      return TargetStatus::timed_out;
    case ChildResult::Ending::interrupted:
      return TargetStatus::not_run;
    default:
      return TargetStatus::crashed;
  }
}

class IsolatedExecutor final : public TargetExecutor {
 public:
  explicit IsolatedExecutor(IsolationSettings settings)
      : settings_(std::move(settings)),
        worker_(worker_executable(settings_.host_executable)),
        sandbox_(settings_.sandbox, worker_) {}

  PluginProbe probe(const std::filesystem::path& library) override {
    ChildRequest request{worker_,
                         encode_worker_arguments({WorkerTask::probe, library.string(), {}, {}}),
                         settings_.probe_timeout_seconds};
    ChildResult child = start(request);
    if (!child.result.empty()) {
      try {
        PluginProbe probe = probe_from_json(parse_message(child.result));
        probe.path = library.string();
        return probe;
      } catch (const std::exception& e) {  // MessageError, or anything a bug lets through
        return failed_probe(library, TargetStatus::crashed,
                            std::string("the probe returned a malformed message: ") + e.what());
      }
    }
    return failed_probe(
        library, status_of_abnormal_end(child),
        "while loading the library: " +
            describe_abnormal_end(child, settings_.probe_timeout_seconds, "--probe-timeout") +
            tail_of(valid_utf8(child.output)));
  }

  TargetOutcome run(const std::filesystem::path& library, const std::string& target_id,
                    const MeasurementSettings& settings) override {
    ChildRequest request{
        worker_,
        encode_worker_arguments({WorkerTask::run_target, library.string(), target_id, settings}),
        settings_.run_timeout_seconds};
    if (settings.instruction_iterations > 0) return run_counting(request, settings);
    return run_request(request);
  }

  PairedOutcome run_paired(const std::filesystem::path& baseline_library,
                           const std::filesystem::path& library, const std::string& target_id,
                           const MeasurementSettings& settings) override {
    WorkerRequest paired{WorkerTask::run_paired, library.string(), target_id, settings};
    paired.baseline_plugin = baseline_library.string();
    const ChildResult child = start(
        ChildRequest{worker_, encode_worker_arguments(paired), settings_.run_timeout_seconds});
    PairedOutcome outcome;
    if (!child.result.empty() && child.ending == ChildResult::Ending::exited) {
      try {
        outcome = outcome_from_paired(paired_from_json(parse_message(child.result)));
        if (const std::string why = paired_implausibility(outcome.measurement, child);
            !why.empty()) {
          outcome.status = TargetStatus::invalid;
          outcome.reason = "the paired worker's result is not plausible: " + why;
          outcome.measurement = {};
        }
      } catch (const std::exception& e) {  // MessageError, or anything a bug lets through
        outcome.status = TargetStatus::crashed;
        outcome.reason = std::string("the paired worker returned a malformed result: ") + e.what();
      }
    } else {
      outcome.status = status_of_abnormal_end(child);
      outcome.reason = sandbox::limit_reason(child, settings_.sandbox) +
                       describe_abnormal_end(child, settings_.run_timeout_seconds, "--timeout");
    }
    outcome.plugin_output = valid_utf8(child.output);
    return outcome;
  }

 private:
  // The batches cannot have taken longer than the worker lived.
  static std::string paired_implausibility(const PairedMeasurement& m, const ChildResult& child) {
    double total_ns = 0;
    for (const TimedPair& p : m.pairs) total_ns += p.baseline_ns + p.new_ns;
    if (total_ns > child.elapsed_seconds * 1e9 * 1.05 + 1e6)
      return "its batches add up to more time than the worker process lived";
    return {};
  }

  // Every child, probe or target, runs plugin code: each enters the sandbox.
  ChildResult start(ChildRequest request) {
    request.sandbox = &sandbox_;
    ChildResult child = run_child(request);
    sandbox::record_worker_layers(child.isolation_layers);
    warn_once_without_file_system_layer(child.isolation_layers);
    return child;
  }

  // Neither a mount namespace nor Landlock: plugins can write wherever this
  // user can. Said once per run, not per worker.
  void warn_once_without_file_system_layer(std::uint32_t layers) {
    if (warned_ || layers == 0 || (layers & (sandbox::kMountNamespace | sandbox::kLandlock)))
      return;
    warned_ = true;
    std::cerr << "warning: no mount namespace and no Landlock here: plugins can read and write "
                 "every file this user can (docs/isolation.md lists what still holds)\n";
  }

  TargetOutcome run_request(const ChildRequest& request) {
    ChildResult child = start(request);
    TargetOutcome outcome;
    if (!child.result.empty() && child.ending == ChildResult::Ending::exited) {
      try {
        outcome = outcome_from_measurement(measurement_from_json(parse_message(child.result)));
        if (const std::string why =
                implausibility(outcome.measurement, child.elapsed_seconds * 1e9);
            !why.empty()) {
          outcome.status = TargetStatus::invalid;
          outcome.reason = "the worker's result is not plausible: " + why;
          outcome.measurement = {};
        }
      } catch (const std::exception& e) {  // MessageError, or anything a bug lets through
        outcome.status = TargetStatus::crashed;
        outcome.reason = std::string("the worker returned a malformed result: ") + e.what();
      }
    } else {
      outcome.status = status_of_abnormal_end(child);
      outcome.reason = sandbox::limit_reason(child, settings_.sandbox) +
                       describe_abnormal_end(child, settings_.run_timeout_seconds, "--timeout");
    }
    outcome.plugin_output = valid_utf8(child.output);  // captured bytes: anything at all
    return outcome;
  }

  // --measure instructions: the worker under callgrind, the count from its file.
  TargetOutcome run_counting(const ChildRequest& worker, const MeasurementSettings& settings) {
    TargetOutcome outcome;
    outcome.status = TargetStatus::failed;
    const std::string valgrind = find_valgrind();
    const CallgrindOutputFile out_file;
    if (valgrind.empty() || out_file.path().empty()) {
      outcome.reason = valgrind.empty() ? "--measure instructions needs valgrind on PATH "
                                          "(Debian: apt-get install valgrind)"
                                        : "cannot create a temporary file for callgrind";
      return outcome;
    }
    outcome = run_request(under_callgrind(worker, valgrind, out_file.path()));
    if (outcome.status != TargetStatus::ok) return outcome;
    const auto total = callgrind_total_instructions(out_file.path());
    if (!total) {
      outcome.status = TargetStatus::failed;
      outcome.reason = "callgrind wrote no instruction count";
      return outcome;
    }
    outcome.measurement.instructions_per_operation =
        static_cast<double>(*total) / static_cast<double>(settings.instruction_iterations);
    return outcome;
  }

  static PluginProbe failed_probe(const std::filesystem::path& library, TargetStatus status,
                                  std::string reason) {
    PluginProbe probe;
    probe.path = library.string();
    probe.status = status;
    probe.reason = std::move(reason);
    return probe;
  }
  // The last line of a child's output often names the problem (a loader
  // error, an assertion); it is appended to the reason.
  static std::string tail_of(const std::string& output) {
    const std::string last = last_output_line(output, 300);
    return last.empty() ? std::string() : "; last output: " + last;
  }

  IsolationSettings settings_;
  std::string worker_;  // the program each child runs
  sandbox::WorkerSandbox sandbox_;
  bool warned_ = false;
};

class InProcessExecutor final : public TargetExecutor {
 public:
  PluginProbe probe(const std::filesystem::path& library) override { return load(library).probe(); }
  TargetOutcome run(const std::filesystem::path& library, const std::string& target_id,
                    const MeasurementSettings& settings) override {
    PluginLibrary& plugin = load(library);
    TargetOutcome outcome;
    if (!plugin.usable()) {
      outcome.status = plugin.probe().status;
      outcome.reason = plugin.probe().reason;
      return outcome;
    }
    const std::optional<TargetCall> call = find_target_call(plugin.descriptor(), target_id);
    if (!call) {
      outcome.status = TargetStatus::invalid;
      outcome.reason = "the plugin no longer offers target " + target_id;
      return outcome;
    }
    return outcome_from_measurement(measure_target(*call, settings));
  }

  PairedOutcome run_paired(const std::filesystem::path& baseline_library,
                           const std::filesystem::path& library, const std::string& target_id,
                           const MeasurementSettings& settings) override {
    WorkerRequest paired{WorkerTask::run_paired, library.string(), target_id, settings};
    paired.baseline_plugin = baseline_library.string();
    return outcome_from_paired(measure_paired_request(paired));
  }

 private:
  // Libraries stay loaded until the executor dies: descriptors and strings
  // they returned must outlive every use (Boost.DLL lifetime rule).
  PluginLibrary& load(const std::filesystem::path& library) {
    auto it = loaded_.find(library.string());
    if (it == loaded_.end())
      it = loaded_.emplace(library.string(), std::make_unique<PluginLibrary>(library)).first;
    return *it->second;
  }
  std::map<std::string, std::unique_ptr<PluginLibrary>> loaded_;
};

}  // namespace

TargetOutcome outcome_from_measurement(TargetMeasurement measurement) {
  TargetOutcome outcome;
  if (measurement.succeeded) {
    outcome.status = TargetStatus::ok;
  } else if (measurement.failure_phase == "setup" &&
             measurement.failure_status == BENCH_STATUS_UNSUPPORTED) {
    // ABI 1.1: "cannot run here" is a skip, not a failure.
    outcome.status = TargetStatus::skipped;
    outcome.reason = "the target cannot run here: " + measurement.failure_message;
  } else {
    outcome.status = TargetStatus::failed;
    const bool wrong_answer = measurement.failure_status == BENCH_STATUS_VERIFICATION_FAILED;
    outcome.reason =
        (wrong_answer ? "verification failed in " : measurement.failure_phase + " failed: ") +
        (wrong_answer ? measurement.failure_phase + ": " : std::string()) +
        measurement.failure_message;
  }
  outcome.measurement = std::move(measurement);
  return outcome;
}

PairedOutcome TargetExecutor::run_paired(const std::filesystem::path&, const std::filesystem::path&,
                                         const std::string&, const MeasurementSettings&) {
  PairedOutcome outcome;
  outcome.reason = "this executor does not run paired A/B workers";
  return outcome;
}

PairedOutcome outcome_from_paired(PairedMeasurement measurement) {
  PairedOutcome outcome;
  if (measurement.succeeded) {
    outcome.status = TargetStatus::ok;
  } else {
    const bool unsupported = measurement.failure_phase == "setup" &&
                             measurement.failure_status == BENCH_STATUS_UNSUPPORTED;
    outcome.status = unsupported ? TargetStatus::skipped : TargetStatus::failed;
    outcome.reason = "the " + measurement.failure_side + " build's " + measurement.failure_phase +
                     (unsupported ? " says it cannot run here: " : " failed: ") +
                     measurement.failure_message;
  }
  outcome.measurement = std::move(measurement);
  return outcome;
}

std::string worker_executable(const std::string& host_executable) {
  const std::filesystem::path worker =
      std::filesystem::path(host_executable).parent_path() / "cost-ops-worker";
  return ::access(worker.c_str(), X_OK) == 0 ? worker.string() : host_executable;
}

std::unique_ptr<TargetExecutor> make_isolated_executor(IsolationSettings settings) {
  adopt_orphaned_descendants();  // so escaped descendants can be found and killed
  return std::make_unique<IsolatedExecutor>(std::move(settings));
}

std::unique_ptr<TargetExecutor> make_in_process_executor() {
  return std::make_unique<InProcessExecutor>();
}

}  // namespace costops::host

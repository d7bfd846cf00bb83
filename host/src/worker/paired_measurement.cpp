#include "costops/host/worker/paired_measurement.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <random>

#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"

namespace costops::host {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Far above the clock's own cost (~25 ns a read), which both sides pay alike.
constexpr double kShortestBatchNs = 10e3;

std::uint64_t batch_for(double ns_per_operation, double target_ns) {
  if (!(ns_per_operation > 0)) return 1;
  return static_cast<std::uint64_t>(std::clamp(std::ceil(target_ns / ns_per_operation), 1.0, 1e12));
}

class PairedLoop {
 public:
  PairedLoop(const TargetCall& baseline, const TargetCall& current, PairedMeasurement& out)
      : sides_{{TargetSessionHolder(baseline), TargetSessionHolder(current)}}, out_(out) {}

  bool setup() { return sides_[0].session.setup() || fail(0); }
  bool setup_new() { return sides_[1].session.setup() || fail(1); }

  // Both sides alternately, the batch doubling until the warm-up time is
  // spent; returns the batch size both will use. The size comes from each
  // side's fastest batch per operation: on a loaded machine any one batch
  // may have been preempted, and a size from it would be far too small.
  std::uint64_t warm_up(const MeasurementSettings& settings, double target_ns) {
    const auto start = Clock::now();
    std::uint64_t batch = 1;
    std::array<double, 2> fastest{INFINITY, INFINITY};
    const auto mean_fastest = [&] { return (fastest[0] + fastest[1]) / 2; };
    do {
      for (std::size_t side = 0; side < 2; ++side) {
        const double ns = sides_[side].session.timed_batch(batch);
        if (ns < 0) {
          fail(side);
          return 0;
        }
        fastest[side] = std::min(fastest[side], ns / static_cast<double>(batch));
      }
      const std::uint64_t wanted = batch_for(mean_fastest(), target_ns);
      if (batch < wanted) batch = std::min(batch * 2, wanted);
    } while (seconds_since(start) < settings.warmup_seconds);
    out_.warmup_ns = seconds_since(start) * 1e9;
    if (settings.fixed_batch_iterations > 0) return settings.fixed_batch_iterations;
    return batch_for(mean_fastest(), target_ns);
  }

  bool take_pairs(const MeasurementSettings& settings) {
    std::mt19937_64 random(std::random_device{}());
    const auto start = Clock::now();
    while (out_.pairs.size() < settings.max_samples) {
      TimedPair pair;
      pair.new_first = (random() & 1) != 0;
      for (const std::size_t side : {pair.new_first ? 1u : 0u, pair.new_first ? 0u : 1u}) {
        const double ns = sides_[side].session.timed_batch(out_.batch_iterations);
        if (ns < 0) return fail(side);
        (side == 0 ? pair.baseline_ns : pair.new_ns) = ns;
      }
      out_.pairs.push_back(pair);
      if (out_.pairs.size() >= settings.min_samples &&
          seconds_since(start) >= settings.min_time_seconds)
        break;
    }
    return true;
  }

  bool teardown() {
    const bool baseline_ok = sides_[0].session.teardown() || fail(0);
    const bool new_ok = sides_[1].session.teardown() || fail(1);
    return baseline_ok && new_ok;
  }

  void collect_logs() {
    for (std::size_t side = 0; side < 2; ++side)
      for (const std::string& line : sides_[side].session.record().plugin_log)
        out_.plugin_log.push_back(std::string(name(side)) + ": " + line);
  }

  // Each side's declared work, metrics and counters (after teardown, when
  // the counters are final), for its results as on the process path.
  void collect_reports() {
    for (std::size_t side = 0; side < 2; ++side) {
      const TargetMeasurement& record = sides_[side].session.record();
      PairedSideReport& report = side == 0 ? out_.baseline_reported : out_.new_reported;
      report.threads = record.threads;
      report.bytes_per_operation = record.bytes_per_operation;
      report.items_per_operation = record.items_per_operation;
      report.plugin_metrics = record.plugin_metrics;
    }
  }

 private:
  struct TargetSessionHolder {
    explicit TargetSessionHolder(const TargetCall& call) : session(call) {}
    TargetSession session;
  };

  static const char* name(std::size_t side) { return side == 0 ? kBaselineSide : kNewSide; }

  // Records the first failure (a teardown after a failed run must not hide it).
  bool fail(std::size_t side) {
    if (!out_.failure_side.empty()) return false;
    const TargetMeasurement& record = sides_[side].session.record();
    out_.failure_side = name(side);
    out_.failure_phase = record.failure_phase;
    out_.failure_message = record.failure_message;
    out_.failure_status = record.failure_status;
    return false;
  }

  std::array<TargetSessionHolder, 2> sides_;
  PairedMeasurement& out_;
};

PairedMeasurement load_failure(const char* side, std::string message) {
  PairedMeasurement m;
  m.failure_side = side;
  m.failure_phase = "load";
  m.failure_message = std::move(message);
  return m;
}

}  // namespace

PairedMeasurement measure_paired(const TargetCall& baseline, const TargetCall& current,
                                 const MeasurementSettings& settings) {
  PairedMeasurement out;
  PairedLoop loop(baseline, current, out);
  if (!loop.setup()) return out;
  if (!loop.setup_new()) {
    loop.teardown();
    return out;
  }
  const double target_ns = std::max(settings.target_sample_seconds * 1e9, kShortestBatchNs);
  out.batch_iterations = loop.warm_up(settings, target_ns);
  const bool measured = out.batch_iterations > 0 && loop.take_pairs(settings);
  const bool torn_down = loop.teardown();
  loop.collect_logs();
  loop.collect_reports();
  out.succeeded = measured && torn_down;
  if (!out.succeeded) out.pairs.clear();
  return out;
}

PairedMeasurement measure_paired_request(const WorkerRequest& request) {
  const PluginLibrary baseline(request.baseline_plugin, OwnSymbolCheck::probed_already);
  const PluginLibrary current(request.plugin, OwnSymbolCheck::probed_already);
  PairedMeasurement m;
  if (!baseline.usable()) {
    m = load_failure(kBaselineSide, baseline.probe().reason);
  } else if (!current.usable()) {
    m = load_failure(kNewSide, current.probe().reason);
  } else if (&baseline.descriptor() == &current.descriptor()) {
    // The dynamic loader hands out one copy per file (by device and inode),
    // whatever the path: both sides would be one library sharing its data.
    m = load_failure(kNewSide,
                     "both sides are one loaded library (the same file, or a link to it); "
                     "the host copies one side when the files are the same");
  } else {
    const auto old_call = find_target_call(baseline.descriptor(), request.target);
    const auto new_call = find_target_call(current.descriptor(), request.target);
    if (!old_call || !new_call)
      m = load_failure(old_call ? kNewSide : kBaselineSide,
                       "the plugin does not offer target " + request.target);
    else
      m = measure_paired(*old_call, *new_call, request.settings);
  }
  return m;
}

}  // namespace costops::host

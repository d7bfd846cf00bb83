// Measures one target: setup, empty-batch overhead, warm-up, batch
// calibration, samples, teardown. This is the only code that times plugin
// calls; it runs inside the worker process (or in-process with
// --isolation none).
#pragma once

#include <costops/bench_target_v1.h>

#include <cstdint>
#include <memory>

#include "costops/host/measurement.hpp"
#include "costops/host/worker/target_family.hpp"

namespace costops::host {

// Runs the whole lifecycle of one target (a family member is set up with its
// argument). Never throws for plugin errors; they end in succeeded == false
// with the phase and message.
TargetMeasurement measure_target(const TargetCall& call, const MeasurementSettings& settings);
// The same for a plain target (argument 0), as a 1.0 host would set it up.
TargetMeasurement measure_target(const bench_target_v1& target,
                                 const MeasurementSettings& settings);

// One target set up for a measurement loop other than measure_target's (the
// paired A/B loop, worker/paired_measurement.hpp), with the same host
// services and the same guards around every plugin call. Failures, metrics
// and log lines land in record(). Tears the target down if still set up.
class TargetSession {
 public:
  explicit TargetSession(const TargetCall& call);
  ~TargetSession();
  TargetSession(const TargetSession&) = delete;
  TargetSession& operator=(const TargetSession&) = delete;

  bool setup();
  // One timed run(state, iterations), then the untimed reset: elapsed ns of
  // run() alone, or < 0 on failure.
  double timed_batch(std::uint64_t iterations);
  bool teardown();
  const TargetMeasurement& record() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace costops::host

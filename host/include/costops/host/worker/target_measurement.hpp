// Measures one target: setup, empty-batch overhead, warm-up, batch
// calibration, samples, teardown. This is the only code that times plugin
// calls; it runs inside the worker process (or in-process with
// --isolation none).
#pragma once

#include <costops/bench_target_v1.h>

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

}  // namespace costops::host

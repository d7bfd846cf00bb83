// The paired A/B loop (`run --ab-paired`): one worker process loads the old
// and the new build of a plugin (two libraries from two paths, each loaded
// RTLD_LOCAL and ABI-checked by PluginLibrary, so neither sees the other's
// symbols or static data), sets up the same target on both, calibrates ONE
// batch size for both, then runs pairs of batches, the order inside each
// pair random. Whatever slows the machine for a moment hits both halves of a
// pair; the host compares pair by pair (paired_statistics.hpp).
#pragma once

#include "costops/host/measurement.hpp"
#include "costops/host/paired_protocol.hpp"
#include "costops/host/worker/target_family.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

// Warms both sides up, alternating, for settings.warmup_seconds; fixes the
// batch size (settings.fixed_batch_iterations, or what makes a batch last
// about settings.target_sample_seconds on the average of the two); then
// takes pairs until settings.min_time_seconds have passed and at least
// settings.min_samples pairs exist (at most settings.max_samples). Never
// throws for plugin errors: they end in succeeded == false naming the side.
PairedMeasurement measure_paired(const TargetCall& baseline, const TargetCall& current,
                                 const MeasurementSettings& settings);

// The worker's whole job for a run_paired request: load both libraries,
// find the target in both, measure.
PairedMeasurement measure_paired_request(const WorkerRequest& request);

}  // namespace costops::host

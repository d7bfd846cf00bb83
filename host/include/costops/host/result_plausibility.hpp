// What a worker claims about a target is checked against what the parent
// knows before it is believed: a plugin can write anything to the result
// pipe, including a well-formed message with impossible numbers.
#pragma once

#include <string>

#include "costops/host/measurement.hpp"

namespace costops::host {

// "" when `m` is plausible for a worker that lived `worker_lifetime_ns`
// (measured by the parent), else why not, in words: sample times that are
// not finite and positive, iteration counts that do not match the batch
// size, or more time sampled than the worker was alive.
std::string implausibility(const TargetMeasurement& m, double worker_lifetime_ns);

}  // namespace costops::host

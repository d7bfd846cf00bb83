// raw/<target_id>.json: the canonical `BenchmarkResult` record of the
// benchmark interface specification v1.0, `{"target_id", "metrics",
// "timestamp"}`. The writer and the checker of records written by other
// programs (`cost-ops aggregate`) sit together and share the key list.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "costops/host/metric_keys.hpp"
#include "costops/host/suite_report.hpp"

namespace costops::host {

// The `metrics` object: the required keys, the throughput derived from the
// declared work per operation, resource figures, then the plugin's own
// metrics (a plugin key equal to a host key is dropped: the host's wins).
boost::json::object canonical_metrics(const TargetResult& result);

// The whole record of a finished target.
boost::json::value raw_record_json(const TargetResult& result);

// Checks a record written by any program: "" when it is canonical, else
// what is wrong with it, in words.
std::string canonical_record_problem(const std::string& text);

}  // namespace costops::host

// summary.md: the benchmark interface specification's table (header kept
// verbatim), then warnings, plugin problems, scaling, the baseline
// comparison, the environment and details per target.
#pragma once

#include <string>
#include <string_view>

#include "costops/host/suite_report.hpp"

namespace costops::host {

// The whole document. `generated_at` (RFC 3339) is passed in rather than
// read from the clock, so the same report always renders the same text.
std::string summary_markdown(const SuiteReport& report, std::string_view generated_at);

}  // namespace costops::host

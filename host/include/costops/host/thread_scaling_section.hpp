// summary.md's "Thread scaling" section: one table per family over thread
// counts that ran (thread_scaling.hpp), "" when none did.
#pragma once

#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

std::string thread_scaling_section(const SuiteReport& report);

}  // namespace costops::host

// report.html's "Thread scaling" table: the model's families over thread
// counts (thread_scaling.hpp), as summary.md shows them; "" when none ran.
#pragma once

#include <string>

#include "costops/host/report/report_model.hpp"

namespace costops::host {

std::string thread_scaling_html(const ReportModel& model);

}  // namespace costops::host

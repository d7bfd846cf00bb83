// The HTML of the report: one self-contained page (style, Chart.js and the
// page's script inlined, nothing fetched) with tables written here and
// charts drawn by the page's script from report_page_data(). Every string of
// the model is escaped with html_escaped() or embedded with
// script_safe_json(): plugin names and descriptions are untrusted.
#pragma once

#include <string>

#include "costops/host/report/report_model.hpp"

namespace costops::host {

std::string report_html(const ReportModel& model);

}  // namespace costops::host

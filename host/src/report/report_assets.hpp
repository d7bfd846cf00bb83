// The report page's scripts and style, embedded at build time
// (cmake/EmbedReportAssets.cmake, generated report_assets.cpp).
#pragma once

#include <string>

namespace costops::host {

const std::string& chart_js_source();      // Chart.js (Debian's libjs-chart.js), minified
const std::string& report_guard_script();  // records errors, runs before Chart.js
const std::string& report_script();        // draws the charts from the page's data
const std::string& report_style();

}  // namespace costops::host

// The data the report page's script draws: one entry per chart, each with
// the id of its <canvas> and what to plot (report.js reads it). Strings in it
// come from plugins; the HTML writer embeds it with script_json().
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "costops/host/report/report_model.hpp"

namespace costops::host {

// Which parts of the model get a chart. The canvas ids are
// "distribution-I" (I: index in model.targets), "scaling-I" (model.families),
// "comparison-chart", "trend-I" (model.trends); the HTML writer places them.
bool has_distribution_chart(const ReportTarget& target);  // ok, with samples
bool has_scaling_chart(const ReportFamily& family);       // a measured member
bool has_comparison_chart(const ReportModel& model);      // a target compared
// A paired A/B run's verdicts without a comparison: their forest plot
// takes the comparison chart's place ("comparison-chart").
bool has_paired_chart(const ReportModel& model);

// {"charts": [{"id", "kind": "histogram"|"scaling"|"comparison"|"trend",
// "title", ...}]}: every chart of the model, in page order.
boost::json::object report_page_data(const ReportModel& model);

struct HistogramBin {
  double low_ns = 0, high_ns = 0;
  std::size_t count = 0;
  bool beyond = false;  // the values above Tukey's far fence, drawn apart, not to scale
};

// Equal-width bins over [min, max] of `values` (finite ones): ceil(sqrt(n))
// bins but at least min(n, 10), so a short run still shows a shape; at most
// 40; one bin when every value is the same. Values above Q3 + 3 IQR (severe
// outliers) get one last bin of their own (`beyond`, from the fence to the
// largest), so one 200 us outlier does not squash 400 samples into one bar.
std::vector<HistogramBin> histogram(const std::vector<double>& values);

}  // namespace costops::host

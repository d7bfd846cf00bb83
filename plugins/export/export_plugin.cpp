// Targets of costops-core's report export: a 1,000-row cost report as CSV,
// JSON and JSON Lines.
#include <costops/bench_target_v1.hpp>
#include <costops/core/report_export.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "workloads.hpp"

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;

constexpr std::size_t kRows = 1000;

template <ExportFormat Format>
class CostReport {
 public:
  explicit CostReport(Host& host)
      : records_(costops::workloads::synthetic_costs(
            kRows, 5, parse_timestamp("2025-04-01T00:00:00Z"), std::chrono::minutes(5))) {
    const std::size_t rows = export_cost_report(records_, {}, Format, out_);
    if (rows != kRows)
      throw VerificationError("the report has " + std::to_string(rows) + " rows, not 1000");
    if constexpr (Format == ExportFormat::csv) {
      const auto lines = static_cast<std::size_t>(std::count(out_.begin(), out_.end(), '\n'));
      if (lines != kRows + 1)
        throw VerificationError("the CSV has " + std::to_string(lines) + " lines");
    }
    if (out_.find(records_[17].cost.total.to_string()) == std::string::npos)
      throw VerificationError("a row's total cost is missing from the report");
    bytes_ = out_.size();
    host.set_bytes_per_operation(bytes_);
    host.set_items_per_operation(kRows);
    host.report("rows", static_cast<double>(kRows));
    host.report("bytes_per_report", static_cast<double>(bytes_));
    host.report("format", std::string(export_format_name(Format)).c_str());
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      out_.clear();  // keeps the capacity: the report is rebuilt, not reallocated
      export_cost_report(records_, {}, Format, out_);
      costops::bench::do_not_optimize(out_);
    }
  }
  void teardown() {
    if (out_.size() != bytes_) throw VerificationError("the report changed size between runs");
  }

 private:
  std::vector<CostRecord> records_;
  std::string out_;
  std::size_t bytes_ = 0;
};

using costops::bench::make_target;

const bench_target_v1 kTargets[] = {
    make_target<CostReport<ExportFormat::csv>>("export",
                                               "a 1,000-row cost report as CSV (RFC 4180)"),
    make_target<CostReport<ExportFormat::json>>("export_json",
                                                "the same 1,000-row cost report as JSON"),
    make_target<CostReport<ExportFormat::json_lines>>(
        "export_jsonl", "the same 1,000-row cost report as JSON Lines"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-export", COSTOPS_FIRST_PARTY_VERSION, kTargets)

// `cost-ops history TARGET`: one target's trend over the stored runs, with
// the change from the previous run on the same machine and a step marker
// where that change is significant (Mann-Whitney U, on compare's basis) and
// at least the threshold. Runs on different machines are never compared:
// their speeds differ for reasons that are not the code's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/result_store.hpp"

namespace costops::host {

enum class HistoryFormat { text, json, markdown };
std::optional<HistoryFormat> parse_history_format(const std::string& text);

// One entry with its comparison to the previous ok entry of its machine.
// The median a history shows for one recorded run: the median of its
// process medians, the statistic its change from the run before is
// computed on (so a change column agrees with the medians beside it); the
// stored pooled median for rows recorded without samples.
double shown_history_median(const HistoryEntry& entry);

struct HistoryRow {
  const HistoryEntry* entry = nullptr;
  std::string machine;                     // machine_id, or "host:NAME" for rows stored without one
  const HistoryEntry* previous = nullptr;  // the machine's previous ok run, if any
  std::optional<TargetComparison> change;  // with `previous`, when this run is ok
  bool step() const {
    return change && (change->verdict == Verdict::slower || change->verdict == Verdict::faster);
  }
};

// A run's result for a target against an earlier one (both ok): the step
// test of `cost-ops history` and of the report's trend charts, with the
// worker process as the unit, like compare.
TargetComparison compare_history_entries(const std::string& target_id, const HistoryEntry& before,
                                         const HistoryEntry& after,
                                         const ComparisonSettings& settings);

// The rows of `entries` (oldest first), each compared within its machine.
std::vector<HistoryRow> history_rows(const std::string& target_id,
                                     const std::vector<HistoryEntry>& entries,
                                     const ComparisonSettings& settings);

// The trend as a terminal table, a JSON document or a Markdown table.
std::string render_history(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                           const ComparisonSettings& settings, HistoryFormat format);

}  // namespace costops::host

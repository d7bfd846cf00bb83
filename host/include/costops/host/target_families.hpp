// Families of a run (ABI 1.1 declared families: one target declared once
// with a list or range of arguments) and how their time grows with the
// argument: Google Benchmark's least-squares big-O fit, from the declared
// argument, never from a number in an id.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costops/host/complexity_fit.hpp"
#include "costops/host/suite_report.hpp"

namespace costops::host {

struct FamilyResult {
  std::string family;
  std::string variable;                      // what the argument counts ("n", "records")
  std::vector<const TargetResult*> members;  // measured members, by argument
  std::optional<ComplexityFit> best;         // absent when no fit is possible
  std::string no_fit_reason;                 // why, in words
};

// Every family with at least one measured member, in order of first appearance.
std::vector<FamilyResult> family_results(const SuiteReport& report);

// "aggregator: O(records), 1.01 ns × records (fits 4.2× better than
// O(records log records); normalised RMS 2.1%)", or "aggregator: complexity
// not determined: ..." when the next-best order fits nearly as well.
std::string complexity_summary(const FamilyResult& family);

}  // namespace costops::host

// How a comparison of two runs is shown: a text table for the terminal,
// Markdown for summary.md and pull-request comments, JSON for programs.
// Each ends with the method line: test, threshold, basis, and what the data
// cannot show.
#pragma once

#include <string>

#include "costops/host/comparison.hpp"

namespace costops::host {

std::string comparison_text(const RunComparison& comparison);
std::string comparison_markdown(const RunComparison& comparison);
std::string comparison_json(const RunComparison& comparison);

}  // namespace costops::host

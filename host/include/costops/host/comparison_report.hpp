// How a comparison of two runs is shown: a text table for the terminal,
// Markdown for summary.md and pull-request comments, JSON for programs.
// Each ends with the method line: test, threshold, basis, and what the data
// cannot show.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "costops/host/comparison.hpp"
#include "costops/host/terminal_style.hpp"

namespace costops::host {

// The terminal table in `style` (charset; no colour codes), its columns
// padded by display width; at most `width` columns wide (0: no limit), the
// least important columns left out first and the prose wrapped.
std::string comparison_text(const RunComparison& comparison,
                            const TerminalStyle& style = {false, true}, std::size_t width = 0);
std::string comparison_markdown(const RunComparison& comparison);
std::string comparison_json(const RunComparison& comparison);
// The object comparison_json prints; also results.json's "comparison" block.
// Per target: base/new medians, change_of_medians (the change of those two),
// change with its 95% interval (the estimate the test uses, which for paired
// rounds is the median of per-round ratios), p, basis, test, counts, verdict.
boost::json::object comparison_json_object(const RunComparison& comparison);

}  // namespace costops::host

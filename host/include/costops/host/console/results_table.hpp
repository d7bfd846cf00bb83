// What `cost-ops run` prints on stdout when it ends: one aligned row per
// target (median time per operation, its spread, operations per second and
// what the target declares or the host counted), the way hyperfine and
// Google Benchmark end a run, then each family's complexity fit. Progress,
// warnings and the tally stay on stderr (progress_reporter.hpp), so
// `cost-ops run > results.txt` keeps the results and nothing else.
#pragma once

#include <cstddef>
#include <string>

#include "costops/host/suite_report.hpp"
#include "costops/host/terminal_style.hpp"

namespace costops::host::console {

// The table, a legend line, a note naming the columns left out when `width`
// (0: no limit) is too narrow for all of them, and the complexity lines;
// in `style` (no escape codes without colour, ASCII without Unicode).
// Under --measure instructions the headline column is the instruction
// count per operation and the time is labelled as valgrind-slowed.
std::string run_results_text(const SuiteReport& report, const TerminalStyle& style,
                             std::size_t width);

}  // namespace costops::host::console

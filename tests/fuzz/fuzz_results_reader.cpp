// libFuzzer target for results.json files written by others: `compare`,
// `run --baseline` and history read runs from anywhere. Any input must end
// in a StoredRun or a ResultsFileError, never a crash, hang or sanitizer
// report; a run that reads must also compare with itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "costops/host/comparison.hpp"
#include "costops/host/results_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costops::host;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const StoredRun run = parse_stored_run(text, "fuzz.json");
    ComparisonSettings settings;
    settings.bootstrap_resamples = 20;  // the statistics are not what is fuzzed
    (void)compare_runs(run, run, settings);
  } catch (const ResultsFileError&) {
  } catch (const ComparisonError&) {
  }
  return 0;
}

// results.json: the whole suite of one run (schemas/results.schema.json).
// The writer and the reader sit together and spell every key once
// (results_keys.hpp); `compare`, `run --baseline` and history read runs back
// through the reader here.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/suite_report.hpp"

namespace costops::host {

inline constexpr int kResultsSchemaVersion = 1;

// Larger than any run writes (a sample takes about 40 bytes, so 1 GiB holds
// 25 million samples): a reader refuses bigger files rather than exhausting
// memory on a wrong path.
inline constexpr std::uintmax_t kMaxResultsFileBytes = std::uintmax_t{1} << 30;

boost::json::value results_json(const SuiteReport& report);

// One entry of "targets" (also a journal entry, output_directory.hpp).
boost::json::object results_target_json(const TargetResult& target);

// Where a run journals its finished targets until results.json is written.
inline constexpr const char* kJournalFile = ".journal.jsonl";

// The "plugins" array alone (also `cost-ops plugins list --json`).
boost::json::array plugins_json(const std::vector<PluginProbe>& probes);

class ResultsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One target of a stored run, as much as comparing needs.
struct StoredTarget {
  std::string target_id;
  TargetStatus status = TargetStatus::ok;
  std::string reason;                    // why status is not ok
  std::vector<double> ns_per_operation;  // one value per sample; empty unless ok
  // The repetition each sample belongs to (results.json samples.repetition;
  // with --rounds every round's repetitions are distinct). Empty = all 0.
  std::vector<std::uint32_t> repetition = {};
  // The worker process of each sample (samples.process; files written before
  // it existed: derived from the repetition and the run's settings, see
  // load_stored_run). Empty = all one process.
  std::vector<std::uint32_t> process = {};
  // measurement.instructions_per_operation (--measure instructions); 0 = not counted.
  double instructions_per_operation = 0;
  // The one sample is an imported tool's summary value (results.json
  // "summary_only"): no test applies to it.
  bool summary_only = false;
  // measurement.allocations.allocations_per_op; < 0 = not counted.
  double allocations_per_op = -1;
};

struct StoredRun {
  std::filesystem::path file;
  std::string timestamp;
  std::vector<StoredTarget> targets;  // every target, in file order; ids unique
  std::string ab_pairing = {};        // settings.ab_pairing; empty unless an A/B run
  // Read from the journal of a run whose host did not finish: "partial run:
  // N of M targets, host did not finish" (run_journal.hpp). Empty otherwise.
  std::string partial = {};
  // A results.json with no signature of this host beside it
  // (results_signature.hpp): why it is read anyway. Empty when it is signed.
  std::string signature_note = {};
};

// Reads DIR/results.json, or the file itself, checked against its signature
// (results_signature.hpp): one that does not match is refused, one without
// gets `signature_note`; a directory without
// results.json but with a journal (the host crashed mid-run) is read from
// its journal: every target that finished, without the run's settings, `partial` set; a journal
// line not signed by this host refuses the whole journal (run_journal.hpp). Throws ResultsFileError
// naming the file and what is wrong: not a regular file, larger than kMaxResultsFileBytes, not
// JSON, not a results file, a duplicate target id, malformed samples. Never crashes on malformed
// input. Files without samples.process (written before it existed) get it from the repetition: with
// settings.repetitions 1 every repetition was its own round's process; with one round all samples
// share one process; else repetition / repetitions.
StoredRun load_stored_run(const std::filesystem::path& dir_or_file);
StoredRun parse_stored_run(const std::string& text, const std::filesystem::path& file);

}  // namespace costops::host

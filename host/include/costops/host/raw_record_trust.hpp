// Which raw/ records a run vouches for. A run writes the SHA-256 of each
// raw/<target_id>.json record into its results.json (raw_record_digests),
// which it signs (results_signature.hpp); readers of raw/ (`aggregate`,
// `import --format raw`) take from a run directory only the records listed
// there, unchanged. A record a plugin planted or edited where the sandbox
// could not stop it (docs/isolation.md) is refused by name.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace costops::host {

struct RunRawRecords {
  std::filesystem::path results_file;  // DIR/results.json
  // File name -> SHA-256 hex, as results.json lists them; nullopt where there
  // is no results.json, or one that lists nothing (an older host's): raw/
  // is then read unchecked. Empty when results.json cannot be trusted.
  std::optional<std::map<std::string, std::string>> digests;
  std::string refusal;             // why results.json's list is refused, or ""
  std::vector<std::string> notes;  // e.g. results.json not signed by this host
};

// Reads DIR/results.json and checks its signature: a results.json changed
// after this host signed it, or unreadable, refuses every record.
RunRawRecords raw_records_of_run(const std::filesystem::path& run_directory);

// Why the record `text`, read from `file`, is not one the run wrote, or ""
// (also "" when the run lists nothing to check against).
std::string unwritten_record_problem(const RunRawRecords& run, const std::filesystem::path& file,
                                     std::string_view text);

}  // namespace costops::host

// The output directory of `cost-ops run`: raw/<target_id>.json,
// results.json and summary.md, each replaced atomically.
#pragma once

#include <filesystem>
#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

// An output directory: created with mode 0750 if missing, raw/ must not be
// a symbolic link, stale temporaries are cleaned. Throws FileWriteError
// naming the path when it cannot be used.
class OutputDirectory {
 public:
  explicit OutputDirectory(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }
  void write_raw_record(const TargetResult& result) const;
  // Removes raw/<target_id>.json (a later --rounds round failed the target).
  void remove_raw_record(const std::string& target_id) const;
  // Writes results.json (and summary.md), then drops the journal: the
  // complete file now holds everything it held.
  void write_suite_files(const SuiteReport& report, bool write_summary) const;
  // The journal, <output>/.journal/<target_id>.json: each finished target's
  // results.json entry, written atomically (fsync) as it finishes, so the
  // cost per target does not grow with the number of targets and a crash of
  // the host loses nothing measured (load_stored_run reads the journal when
  // results.json is missing). A new OutputDirectory starts an empty journal.
  void write_journal_entry(const TargetResult& result) const;

 private:
  std::filesystem::path root_;
};

}  // namespace costops::host

// The output directory of `cost-ops run`: raw/<target_id>.json,
// results.json and summary.md, each replaced atomically.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

// Creates `dir` and its missing parents with kOutputDirectoryMode (0755 cut
// by the umask: never writable by others; file_modes.hpp says why).
// Throws FileWriteError naming the path.
void make_output_directories(const std::filesystem::path& dir);

// An output directory, owned by one run at a time: created with kOutputDirectoryMode if
// missing; an advisory lock (<output>/.lock, holding the owner's pid) is
// held for the object's lifetime, and a second run is refused naming that
// pid; only the owner cleans stale temporaries; raw/ must not be a symbolic
// link. Throws FileWriteError naming the path when it cannot be used.
class OutputDirectory {
 public:
  explicit OutputDirectory(std::filesystem::path root);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;
  const std::filesystem::path& root() const { return root_; }
  // Removes what the previous run left (raw/*.json, results.json,
  // summary.md, report.html), so the directory only ever shows this run. Older results
  // are kept through --save-baseline (baselines/ is left alone) and --history.
  void clear_previous_run() const;
  void write_raw_record(const TargetResult& result) const;
  // Removes raw/<target_id>.json (a later --rounds round failed the target).
  void remove_raw_record(const std::string& target_id) const;
  // Writes raw/<id>.json of every ok target (removing those of the others
  // and anything else in raw/: the run owns raw/, so a record a plugin
  // planted there never survives it), results.json and summary.md, flushes
  // them to the disk once, then drops the journal: the complete files now
  // hold everything it held.
  void write_suite_files(const SuiteReport& report, bool write_summary) const;
  // The journal, <output>/.journal.jsonl: one line per finished target (or
  // finished round of it), its results.json entry, appended in one write as
  // it finishes (see append_line: the host's own crash cannot lose it). A
  // constant cost per target, whatever their number; if the host dies, load_stored_run reads the
  // journal (the last line of each target wins) when results.json is missing. A new OutputDirectory
  // starts an empty journal. Lines are signed (run_journal.hpp).
  void write_journal_entry(const TargetResult& result);
  // Begins the journal with its signed header: `planned_targets` targets
  // are planned, so a reader of an unfinished run can say "N of M".
  void start_journal(std::size_t planned_targets);

 private:
  void remove_foreign_raw_records(const SuiteReport& report) const;
  std::filesystem::path root_;
  std::string journal_run_id_;
  int lock_fd_ = -1;
};

}  // namespace costops::host

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
  void write_suite_files(const SuiteReport& report, bool write_summary) const;

 private:
  std::filesystem::path root_;
};

}  // namespace costops::host

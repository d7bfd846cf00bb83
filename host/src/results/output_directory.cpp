#include "costops/host/output_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>

#include "costops/host/atomic_file.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/summary_markdown.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace {

// Creates `dir` (and missing parents) with owner/group access only; refuses
// a raw/ that is a symbolic link, so nothing is written outside the output.
void make_private_directory(const std::filesystem::path& dir, bool must_not_be_link) {
  struct stat info {};
  if (::lstat(dir.c_str(), &info) == 0) {
    if (must_not_be_link && S_ISLNK(info.st_mode))
      throw FileWriteError(dir.string() +
                           " is a symbolic link; the host does not write through "
                           "links out of the output directory. Remove it");
    if (!S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode))
      throw FileWriteError("cannot create output directory " + dir.string() +
                           ": a file is in the way; choose another with --output");
    return;
  }
  if (dir.has_parent_path() && dir.parent_path() != dir)
    make_private_directory(dir.parent_path(), false);
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw FileWriteError("cannot create output directory " + dir.string() + ": " +
                         std::strerror(errno) + "; choose another with --output");
}

}  // namespace

OutputDirectory::OutputDirectory(std::filesystem::path root) : root_(std::move(root)) {
  if (root_.empty()) root_ = ".";
  make_private_directory(root_, false);
  make_private_directory(root_ / "raw", true);
  if (::access(root_.c_str(), W_OK) != 0 || ::access((root_ / "raw").c_str(), W_OK) != 0)
    throw FileWriteError("output directory " + root_.string() +
                         " is not writable; choose another with --output");
  remove_stale_temporaries(root_);
  remove_stale_temporaries(root_ / "raw");
  std::error_code ignored;  // a crashed run's journal: this run starts its own
  std::filesystem::remove(root_ / kJournalFile, ignored);
}

void OutputDirectory::write_raw_record(const TargetResult& result) const {
  write_file_atomically(root_ / "raw" / (result.target_id + ".json"),
                        to_pretty_json(raw_record_json(result)));
}

void OutputDirectory::remove_raw_record(const std::string& target_id) const {
  std::error_code ignored;  // absent is fine
  std::filesystem::remove(root_ / "raw" / (target_id + ".json"), ignored);
}

void OutputDirectory::write_suite_files(const SuiteReport& report, bool write_summary) const {
  // Removals first: a duplicate offer of an id is an invalid entry beside the
  // ok one, whose record stays.
  for (const TargetResult& t : report.targets)
    if (t.status != TargetStatus::ok) remove_raw_record(t.target_id);
  for (const TargetResult& t : report.targets)
    if (t.status == TargetStatus::ok)
      write_file_atomically(root_ / "raw" / (t.target_id + ".json"),
                            to_pretty_json(raw_record_json(t)), Flush::later);
  write_file_atomically(root_ / "results.json", to_pretty_json(results_json(report)), Flush::later);
  if (write_summary)
    write_file_atomically(root_ / "summary.md", summary_markdown(report, rfc3339_now()),
                          Flush::later);
  flush_file_system(root_);
  std::error_code ignored;
  std::filesystem::remove(root_ / kJournalFile, ignored);
}

void OutputDirectory::write_journal_entry(const TargetResult& result) const {
  append_line_durably(root_ / kJournalFile, boost::json::serialize(results_target_json(result)));
}

}  // namespace costops::host

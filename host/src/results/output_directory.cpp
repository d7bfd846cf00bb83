#include "costops/host/output_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "costops/host/atomic_file.hpp"
#include "costops/host/files/file_modes.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/results_signature.hpp"
#include "costops/host/run_journal.hpp"
#include "costops/host/summary_markdown.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace {

// Creates `dir` (and missing parents) with kOutputDirectoryMode; refuses a
// raw/ that is a symbolic link, so nothing is written outside the output.
void make_output_directory(const std::filesystem::path& dir, bool must_not_be_link) {
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
    make_output_directory(dir.parent_path(), false);
  if (::mkdir(dir.c_str(), kOutputDirectoryMode) != 0 && errno != EEXIST)
    throw FileWriteError("cannot create output directory " + dir.string() + ": " +
                         std::strerror(errno) + "; choose another with --output");
}

// Takes the run's lock on <root>/.lock and writes this pid into it; throws
// naming the holder when another run has it.
int lock_output(const std::filesystem::path& root) {
  const std::filesystem::path lock_file = root / ".lock";
  int fd = -1;
  try {
    fd = open_regular_file(lock_file, O_RDWR | O_CREAT, kOutputFileMode).release();
  } catch (const UnsafeFileError& e) {
    throw FileWriteError(std::string("cannot take the output directory's lock: ") + e.what());
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    throw FileWriteError("output directory " + root.string() +
                         " is in use by another cost-ops run (pid " +
                         (n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown") +
                         "); wait for it to finish or choose another with --output");
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; a second run then says "pid unknown".
  }
  return fd;
}

}  // namespace

void make_output_directories(const std::filesystem::path& dir) {
  make_output_directory(dir, false);
}

OutputDirectory::OutputDirectory(std::filesystem::path root) : root_(std::move(root)) {
  if (root_.empty()) root_ = ".";
  make_output_directory(root_, false);
  make_output_directory(root_ / "raw", true);
  if (::access(root_.c_str(), W_OK) != 0 || ::access((root_ / "raw").c_str(), W_OK) != 0)
    throw FileWriteError("output directory " + root_.string() +
                         " is not writable; choose another with --output");
  lock_fd_ = lock_output(root_);
  // Only the owner of the lock removes temporaries: another run's are not stale.
  remove_stale_temporaries(root_);
  remove_stale_temporaries(root_ / "raw");
  std::error_code ignored;  // a crashed run's journal: this run starts its own
  std::filesystem::remove(root_ / kJournalFile, ignored);
}

OutputDirectory::~OutputDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

void OutputDirectory::clear_previous_run() const {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::directory_iterator(root_ / "raw", ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".json") fs::remove(it->path(), ec);
  fs::remove(root_ / "results.json", ec);
  fs::remove(signature_file(root_ / "results.json"), ec);
  fs::remove(root_ / "summary.md", ec);
  fs::remove(root_ / "report.html", ec);
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
  // One failed write (a full disk) does not stop the others: every file
  // that can be written is, and all failures are reported together.
  std::string failures;
  const auto attempt = [&failures](const auto& write) {
    try {
      write();
    } catch (const FileWriteError& e) {
      failures += (failures.empty() ? "" : "; ") + std::string(e.what());
    }
  };
  // Each record's digest goes into results.json, signed with it: what
  // `aggregate` later accepts from raw/ (a record planted or changed there
  // does not match).
  boost::json::object raw_digests;
  for (const TargetResult& t : report.targets)
    if (t.status == TargetStatus::ok) {
      const std::string record = to_pretty_json(raw_record_json(t));
      raw_digests[t.target_id + ".json"] = to_hex(sha256(record));
      attempt([&] {
        write_file_atomically(root_ / "raw" / (t.target_id + ".json"), record, Flush::later);
      });
    }
  remove_foreign_raw_records(report);
  boost::json::value results = results_json(report);
  results.as_object()[results_key::raw_record_digests] = std::move(raw_digests);
  attempt([&] {
    write_signed_results_file(root_ / "results.json", to_pretty_json(results), Flush::later);
  });
  if (write_summary)
    attempt([&] {
      write_file_atomically(root_ / "summary.md", summary_markdown(report, rfc3339_now()),
                            Flush::later);
    });
  attempt([&] { flush_file_system(root_); });
  if (!failures.empty()) throw FileWriteError(failures);  // the journal stays: it is still needed
  std::error_code ignored;
  std::filesystem::remove(root_ / kJournalFile, ignored);
}

void OutputDirectory::start_journal(std::size_t planned_targets) {
  journal_run_id_ = new_journal_run_id();
  append_line(root_ / kJournalFile,
              journal_header_line(journal_run_id_, planned_targets, rfc3339_now()));
}

void OutputDirectory::write_journal_entry(const TargetResult& result) {
  if (journal_run_id_.empty()) start_journal(0);
  append_line(root_ / kJournalFile,
              journal_target_line(journal_run_id_, to_compact_json(results_target_json(result))));
}

void OutputDirectory::remove_foreign_raw_records(const SuiteReport& report) const {
  namespace fs = std::filesystem;
  std::set<std::string> ours;
  for (const TargetResult& t : report.targets)
    if (t.status == TargetStatus::ok) ours.insert(t.target_id + ".json");
  std::error_code ec;
  std::vector<fs::path> foreign;
  for (auto it = fs::directory_iterator(root_ / "raw", ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (!ours.count(it->path().filename().string())) foreign.push_back(it->path());
  for (const fs::path& path : foreign) fs::remove_all(path, ec);  // never follows a link
}

}  // namespace costops::host

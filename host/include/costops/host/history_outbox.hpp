// The outbox of runs the result store could not take (server down, login
// refused, a timeout, an interrupt): `cost-ops run --history URL` writes the
// whole run record to <output>/history-outbox/<run_uid>.json (0600 in a 0700
// directory: it holds the command line and environment) and exits 2;
// `cost-ops history upload --history URL DIR` stores each queued run later,
// in its own transaction, and removes its file once committed. A run
// uploaded twice (killed between commit and removal, or by two uploaders at
// once) is stored once: records carry a unique run_uid, and "already
// stored" is success. A file that is not a valid run record, or that the
// store refuses, moves to history-outbox/rejected/ with NAME.reason.txt, and
// the upload goes on with the other files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "costops/host/result_store.hpp"

namespace costops::host {

inline constexpr const char* kOutboxDirectoryName = "history-outbox";
inline constexpr const char* kRejectedDirectoryName = "rejected";
inline constexpr int kRunRecordFormatVersion = 1;

// The longest time one operation of a run can take: the longest --timeout.
inline constexpr double kMaxPlausibleNs = 7 * 86400 * 1e9;

// What is wrong with a record, with the checks a fresh run's results pass
// (unique non-empty target ids, known statuses, times between 0 and a week,
// an RFC 3339 timestamp, a run_uid fit for a file name); "" when nothing.
std::string run_record_problem(const RunRecord& record);

// The record as a JSON document, and back. parse_run_record throws
// HistoryError naming `file` when the text is not a run record.
std::string run_record_json(const RunRecord& record);
RunRecord parse_run_record(const std::string& text, const std::filesystem::path& file);

// Writes the record atomically into <output_dir>/history-outbox/; returns the file.
std::filesystem::path queue_in_outbox(const std::filesystem::path& output_dir,
                                      const RunRecord& record);

struct OutboxUpload {
  std::vector<std::pair<std::filesystem::path, std::int64_t>> stored;          // file, run id
  std::vector<std::pair<std::filesystem::path, std::int64_t>> already_stored;  // file, run id
  std::vector<std::pair<std::filesystem::path, std::string>> rejected;         // moved file, why
};

// Uploads every queued record of `directory` (an output directory, or its
// history-outbox itself), oldest file name first. A bad file is rejected
// (moved, with its reason) and the others still uploaded; a store error
// (unreachable, timeout, no right) stops the upload (HistoryError) with the
// remaining files kept. Throws FileWriteError when a file cannot be moved.
OutboxUpload upload_outbox(ResultStore& store, const std::filesystem::path& directory);

}  // namespace costops::host

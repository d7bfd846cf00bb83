// The outbox of runs the result store could not take (server down, login
// refused): `cost-ops run --history URL` writes the whole run record to
// <output>/history-outbox/<run_uid>.json and exits 2; `cost-ops history
// upload --history URL DIR` stores each queued run later, in its own
// transaction, and removes its file once committed. A run uploaded twice
// (killed between commit and removal) is stored once: records carry a unique
// run_uid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "costops/host/result_store.hpp"

namespace costops::host {

inline constexpr const char* kOutboxDirectoryName = "history-outbox";
inline constexpr int kRunRecordFormatVersion = 1;

// The record as a JSON document, and back. parse_run_record throws
// HistoryError naming `file` when the text is not a run record.
std::string run_record_json(const RunRecord& record);
RunRecord parse_run_record(const std::string& text, const std::filesystem::path& file);

// Writes the record atomically into <output_dir>/history-outbox/; returns the file.
std::filesystem::path queue_in_outbox(const std::filesystem::path& output_dir,
                                      const RunRecord& record);

struct OutboxUpload {
  std::vector<std::pair<std::filesystem::path, std::int64_t>> stored;  // file, run id
  std::vector<std::pair<std::filesystem::path, std::string>> refused;  // file, why (kept)
};

// Uploads every queued record of `directory` (an output directory, or its
// history-outbox itself), oldest file name first. A file that is not a run
// record is refused and kept; a store error stops the upload (HistoryError)
// with the remaining files kept.
OutboxUpload upload_outbox(ResultStore& store, const std::filesystem::path& directory);

}  // namespace costops::host

// Where the report reads the recorded runs of its targets from. The one
// place the report touches the history store: re-point this function when
// the store changes (SQLite RunHistory today).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "costops/host/report/report_model.hpp"

namespace costops::host {

// The recorded results of each of `target_ids` (oldest first) in the history
// database `file`. Throws HistoryError when it cannot be read. A missing
// file is an error too: the report would otherwise create an empty one.
HistoryByTarget report_history(const std::filesystem::path& file,
                               const std::vector<std::string>& target_ids);

}  // namespace costops::host

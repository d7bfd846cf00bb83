// Where the report reads the recorded runs of its targets from: the result
// store of `run --history` (result_store.hpp), every run of every machine.
#pragma once

#include <string>
#include <vector>

#include "costops/host/report/report_model.hpp"

namespace costops::host {

// The recorded results of each of `target_ids` (oldest first) in the store at
// `location` (an SQLite file or a PostgreSQL URL). Throws HistoryError when
// it cannot be read. A missing file is an error too: opening it would create
// an empty store.
HistoryByTarget report_history(const std::string& location,
                               const std::vector<std::string>& target_ids);

}  // namespace costops::host

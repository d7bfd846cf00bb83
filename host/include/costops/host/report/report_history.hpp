// Where the report reads the recorded runs of its targets from: the result
// store of `run --history` (result_store.hpp): the runs the filter selects,
// each series (repository x branch x machine) compared within itself.
#pragma once

#include <string>
#include <vector>

#include "costops/host/report/report_model.hpp"
#include "costops/host/result_store.hpp"

namespace costops::host {

// The recorded results of each of `target_ids` (oldest first) in the store at
// `location` (an SQLite file or a PostgreSQL URL). Throws HistoryError when
// it cannot be read. A missing file is an error too: opening it would create
// an empty store.
HistoryByTarget report_history(const std::string& location,
                               const std::vector<std::string>& target_ids,
                               const HistoryFilter& filter, double timeout_seconds);

// The same from a store that is open already.
HistoryByTarget report_history(ResultStore& store, const std::vector<std::string>& target_ids,
                               const HistoryFilter& filter = {});

}  // namespace costops::host

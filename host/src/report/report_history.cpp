#include "costops/host/report/report_history.hpp"

#include <filesystem>

#include "costops/host/result_store.hpp"

namespace costops::host {

HistoryByTarget report_history(const std::string& location,
                               const std::vector<std::string>& target_ids,
                               const HistoryFilter& filter, double timeout_seconds) {
  std::error_code ec;
  if (!is_postgres_location(location) && !std::filesystem::is_regular_file(location, ec))
    throw HistoryError("history " + location +
                       " is not a file: name the store written by `run --history LOCATION`");
  const std::unique_ptr<ResultStore> store =
      open_result_store(location, StoreOpenOptions{StoreAccess::read, timeout_seconds});
  return report_history(*store, target_ids, filter);
}

HistoryByTarget report_history(ResultStore& store, const std::vector<std::string>& target_ids,
                               const HistoryFilter& filter) {
  HistoryByTarget out;
  for (const std::string& id : target_ids) out[id] = store.entries(id, filter);
  return out;
}

}  // namespace costops::host

#include "costops/host/report/report_history.hpp"

#include <filesystem>

#include "costops/host/result_store.hpp"

namespace costops::host {

HistoryByTarget report_history(const std::string& location,
                               const std::vector<std::string>& target_ids) {
  std::error_code ec;
  if (!is_postgres_location(location) && !std::filesystem::is_regular_file(location, ec))
    throw HistoryError("history " + location +
                       " is not a file: name the store written by `run --history LOCATION`");
  const std::unique_ptr<ResultStore> store = open_result_store(location);
  HistoryByTarget out;
  for (const std::string& id : target_ids) out[id] = store->entries(id, HistoryFilter{});
  return out;
}

}  // namespace costops::host

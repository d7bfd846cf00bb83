#include "costops/host/report/report_history.hpp"

#include "costops/host/run_history.hpp"

namespace costops::host {

HistoryByTarget report_history(const std::filesystem::path& file,
                               const std::vector<std::string>& target_ids) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw HistoryError("history " + file.string() +
                       " is not a file: name the database written by `run --history FILE`");
  RunHistory history(file);
  HistoryByTarget out;
  for (const std::string& id : target_ids) out[id] = history.entries(id);
  return out;
}

}  // namespace costops::host

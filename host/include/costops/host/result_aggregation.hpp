// `cost-ops aggregate`: merges the raw/<target_id>.json records of many
// output directories (repositories, machines) into one results file and one
// summary with a column per source. Records written by other programs are
// validated against the canonical shape; a bad file is refused by name.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "costops/host/result_store.hpp"

namespace costops::host {

struct RefusedFile {
  std::filesystem::path file;
  std::string reason;
};

struct SourceRecords {
  std::string name;  // column name: the directory's name, made unique
  std::filesystem::path directory;
  std::vector<std::pair<std::string, boost::json::object>> records;  // target_id -> metrics
  std::vector<RefusedFile> refused;
  // Said, not refused: e.g. a results.json this host did not sign.
  std::vector<std::string> notes;
};

// Reads DIR/raw/*.json (or DIR/*.json when there is no raw/). Beside a
// run's results.json, only the records it lists (raw_record_digests,
// signed with it) are taken, and only unchanged; a results.json changed
// after this host signed it refuses them all.
SourceRecords read_source(const std::filesystem::path& directory);

struct AggregateReport {
  std::vector<SourceRecords> sources;
};

class AggregateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads every directory (read_source) and names each source uniquely
// (dir, dir_2, ...). Throws AggregateError for a path that is not a
// directory.
AggregateReport aggregate_sources(const std::vector<std::filesystem::path>& directories);

// Throws AggregateError when `output` is, or lies inside, one of the
// sources: writing there would overwrite or mix into an input.
void check_aggregate_output(const std::filesystem::path& output,
                            const std::vector<std::filesystem::path>& directories);

// Aggregation from the result store (store_aggregation.cpp): a column per
// repository or per machine, each the newest run that `filter` and the key
// select. No keys: every repository (machine) with a selected run. Throws
// HistoryError when the store fails or a key has no run.
enum class AggregateColumns { repository, machine };
AggregateReport aggregate_store(ResultStore& store, const std::vector<std::string>& keys,
                                AggregateColumns columns, const HistoryFilter& filter);

std::string aggregate_results_json(const AggregateReport& report);
std::string aggregate_summary_markdown(const AggregateReport& report);

}  // namespace costops::host

// `cost-ops aggregate`: merges the raw/<target_id>.json records of many
// output directories (repositories, machines) into one results file and one
// summary with a column per source. Records written by other programs are
// validated against the canonical shape; a bad file is refused by name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

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
};

// Checks one canonical record; returns "" when valid, else the reason.
std::string canonical_record_problem(const std::string& text);

// Reads DIR/raw/*.json (or DIR/*.json when there is no raw/).
SourceRecords read_source(const std::filesystem::path& directory);

struct AggregateReport {
  std::vector<SourceRecords> sources;
};

std::string aggregate_results_json(const AggregateReport& report);
std::string aggregate_summary_markdown(const AggregateReport& report);

}  // namespace costops::host

#include "costops/host/raw_record_trust.hpp"

#include <boost/json.hpp>

#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/results_signature.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

RunRawRecords raw_records_of_run(const fs::path& run_directory) {
  RunRawRecords run;
  run.results_file = run_directory / "results.json";
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(run.results_file, ec))) return run;
  std::string text;
  try {
    text = read_regular_file(run.results_file, kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    run.digests.emplace();
    run.refusal = std::string(e.what()) + "; its raw/ records are refused";
    return run;
  }
  const SignatureCheck check = check_results_signature(run.results_file, text);
  if (check.state == SignatureCheck::State::mismatch) {
    run.digests.emplace();
    run.refusal = check.problem + "; its raw/ records are refused";
    return run;
  }
  if (const std::string why = unsigned_results_reason(check, run.results_file); !why.empty())
    run.notes.push_back(why + "; its list of raw records is read as it is");
  json::error_code parse_error;
  const json::value doc = json::parse(text, parse_error);
  const json::object* root = parse_error ? nullptr : doc.if_object();
  const json::value* listed = root ? root->if_contains(results_key::raw_record_digests) : nullptr;
  if (listed == nullptr || !listed->is_object()) {
    run.notes.push_back(run.results_file.string() +
                        " lists no raw record digests (written before cost-ops signed its raw "
                        "records): raw/ is read unchecked");
    return run;
  }
  run.digests.emplace();
  for (const auto& [name, digest] : listed->as_object())
    if (digest.is_string()) (*run.digests)[std::string(name)] = std::string(digest.as_string());
  return run;
}

std::string unwritten_record_problem(const RunRawRecords& run, const fs::path& file,
                                     std::string_view text) {
  if (!run.digests) return {};
  const auto it = run.digests->find(file.filename().string());
  if (it == run.digests->end())
    return "not written by the run in this directory (its results.json does not list it)";
  if (!constant_time_equal(to_hex(sha256(text)), it->second))
    return "changed after the run wrote it (its SHA-256 is not the one its results.json lists)";
  return {};
}

}  // namespace costops::host

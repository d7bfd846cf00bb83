// Named baselines: a run kept as <output>/baselines/NAME/results.json with
// `run --save-baseline NAME`, compared against with `--baseline NAME` (or a
// directory or results.json anywhere).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/results_file.hpp"
#include "costops/host/results_signature.hpp"

namespace costops::host {

// A name is [A-Za-z0-9._-]+ and not "." or "..": it can never leave
// <output>/baselines/.
bool is_valid_baseline_name(std::string_view name);

// Where `--baseline VALUE` points: VALUE itself when it exists as a path,
// else the saved baseline of that name under `output_root`.
std::filesystem::path baseline_location(const std::filesystem::path& output_root,
                                        const std::string& value);

// Copies output_root/results.json to output_root/baselines/NAME/results.json
// (atomically, directories created owner/group only) with its signature
// beside it in results.json.sig (HMAC-SHA256 under the host key,
// host_key.hpp), and returns the directory. Throws FileWriteError naming
// the path, or for an invalid name.
std::filesystem::path save_baseline(const std::filesystem::path& output_root,
                                    const std::string& name);

// The names of the baselines saved under output_root/baselines, sorted.
std::vector<std::string> saved_baseline_names(const std::filesystem::path& output_root);

// Reads the run `--baseline VALUE` names (baseline_location) and checks it
// was written by this host before it is trusted: a saved baseline (by
// name) must carry a signature that verifies; a path the user named is
// checked when it has a signature and trusted on the user's word when it
// has none (`unsigned_note` then says so). A baseline must be a complete
// run (results.json; a journal alone is refused). Throws ResultsFileError
// naming the file and what to do when the signature is missing or wrong.
StoredRun load_checked_baseline(const std::filesystem::path& output_root, const std::string& value,
                                std::string& unsigned_note);

}  // namespace costops::host

// Named baselines: a run kept as <output>/baselines/NAME/results.json with
// `run --save-baseline NAME`, compared against with `--baseline NAME` (or a
// directory or results.json anywhere).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace costops::host {

// A name is [A-Za-z0-9._-]+ and not "." or "..": it can never leave
// <output>/baselines/.
bool is_valid_baseline_name(std::string_view name);

// Where `--baseline VALUE` points: VALUE itself when it exists as a path,
// else the saved baseline of that name under `output_root`.
std::filesystem::path baseline_location(const std::filesystem::path& output_root,
                                        const std::string& value);

// Copies output_root/results.json to output_root/baselines/NAME/results.json
// (atomically, directories created owner/group only) and returns the
// directory. Throws FileWriteError naming the path, or for an invalid name.
std::filesystem::path save_baseline(const std::filesystem::path& output_root,
                                    const std::string& name);

}  // namespace costops::host

#include "costops/host/baselines.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "costops/host/atomic_file.hpp"
#include "costops/host/output_directory.hpp"

namespace costops::host {

namespace fs = std::filesystem;

bool is_valid_baseline_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

fs::path baseline_location(const fs::path& output_root, const std::string& value) {
  std::error_code ec;
  if (fs::exists(value, ec)) return value;
  return output_root / "baselines" / value;
}

fs::path save_baseline(const fs::path& output_root, const std::string& name) {
  if (!is_valid_baseline_name(name))
    throw FileWriteError("baseline name \"" + name +
                         "\" is not allowed: use letters, digits, '.', '_' and '-' only "
                         "(not \".\" or \"..\")");
  const fs::path dir = output_root / "baselines" / name;
  make_private_directories(dir);
  std::ifstream in(output_root / "results.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  write_file_atomically(dir / "results.json", text.str());
  return dir;
}

}  // namespace costops::host

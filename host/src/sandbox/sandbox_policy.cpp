#include "costops/host/sandbox/sandbox_policy.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>

namespace costops::host::sandbox {

namespace {

bool inside(const std::filesystem::path& path, const std::filesystem::path& directory) {
  auto d = directory.begin();
  auto p = path.begin();
  for (; d != directory.end() && !d->empty(); ++d, ++p)
    if (p == path.end() || *p != *d) return false;
  return true;
}

}  // namespace

bool hide_directory(SandboxPolicy& policy, const std::filesystem::path& directory,
                    const std::vector<std::filesystem::path>& needed_by_workers) {
  if (directory.empty()) return false;
  std::error_code ec;
  const auto hidden = std::filesystem::weakly_canonical(directory, ec);
  if (ec || hidden.empty() || hidden == hidden.root_path()) return false;
  for (const auto& needed : needed_by_workers) {
    const auto path = std::filesystem::weakly_canonical(needed, ec);
    if (ec || inside(path, hidden)) return false;
  }
  for (const auto& already : policy.hidden_paths)
    if (already == hidden) return true;
  policy.hidden_paths.push_back(hidden);
  return true;
}

void hide_output_directory(SandboxPolicy& policy, const std::filesystem::path& output_dir,
                           const std::vector<std::filesystem::path>& needed_by_workers) {
  hide_directory(policy, output_dir, needed_by_workers);
}

std::uint64_t default_memory_limit() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemTotal:" && kib > 0) return kib * 1024;
  return std::uint64_t{4} << 30;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  if (text == "none") return 0;
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  for (std::string_view suffix : {"iB", "B"})
    if (unit.size() > suffix.size() && unit.substr(unit.size() - suffix.size()) == suffix) {
      unit.remove_suffix(suffix.size());
      break;
    }
  int shift = 0;
  if (unit == "k" || unit == "K")
    shift = 10;
  else if (unit == "M")
    shift = 20;
  else if (unit == "G")
    shift = 30;
  else if (unit == "T")
    shift = 40;
  else if (!unit.empty())
    return std::nullopt;
  if (number > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return number << shift;
}

std::string describe_byte_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  for (int i = 3; i >= 0; --i) {
    const int shift = 10 * (i + 1);
    if (bytes != 0 && bytes % (std::uint64_t{1} << shift) == 0)
      return std::to_string(bytes >> shift) + " " + kUnits[i];
  }
  return std::to_string(bytes) + " bytes";
}

}  // namespace costops::host::sandbox

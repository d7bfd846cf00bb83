#include "costops/host/import/imported_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "costops/host/plugin_probe.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kKeptPrefixLength = 55;  // + "_" + 8 hex digits = 64

// FNV-1a, 32 bits: stable across hosts and versions (the id of a long name
// must not change between two imports of the same benchmark).
std::uint32_t fnv1a(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  return hash;
}

}  // namespace

std::string import_target_id(std::string_view name, std::string_view source) {
  std::string id;
  bool beyond_ascii = false;
  for (char raw : name) {
    const char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    beyond_ascii |= static_cast<unsigned char>(raw) >= 0x80;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      id += c;
    else if (!id.empty() && id.back() != '_')
      id += '_';
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.empty() && !beyond_ascii)
    throw ImportError(std::string(source) + ": the name \"" + std::string(name) +
                      "\" has no letter or digit to make a target id from; rename the benchmark");
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "_%08x", fnv1a(name));
  // Letters beyond ASCII ("ä", "α", "排序") have no place in an id: the hash
  // of the whole name keeps "sort_ä" and "sort_ö" apart, and "排序" an id.
  if (beyond_ascii) id = (id.empty() ? "u" : id.substr(0, kKeptPrefixLength)) + suffix;
  if (id.front() < 'a' || id.front() > 'z') id = "b_" + id;
  if (id.size() > kMaxIdLength) id = id.substr(0, kKeptPrefixLength) + suffix;
  if (!is_valid_target_id(id))  // the mapping above always gives one; checked, not assumed
    throw ImportError(std::string(source) + ": the name \"" + std::string(name) + "\" maps to \"" +
                      id + "\", not a valid target id");
  return id;
}

void ImportCollector::begin_file(const fs::path& file) {
  run_.files.push_back(file.string());
  sources_this_file_.clear();
}

void ImportCollector::add(ImportedTarget target) {
  // Each reader checks the numbers it reads; their products (seconds to
  // nanoseconds, time per iteration to the batch's) must still be times.
  for (const Sample& s : target.samples)
    if (s.iterations == 0 || !std::isfinite(s.elapsed_ns) || s.elapsed_ns < 0 ||
        s.elapsed_ns > 1e30)
      throw ImportError(target.source + ": a sample of " + std::to_string(s.iterations) +
                        " iterations taking " + std::to_string(s.elapsed_ns) +
                        " ns is not a measurement; is the file damaged?");
  if (const auto same = sources_this_file_.find(target.target_id); same != sources_this_file_.end())
    throw ImportError(target.source + " and " + same->second + " both map to the target id \"" +
                      target.target_id +
                      "\" (docs/import.md, id mapping); rename one of the benchmarks");
  sources_this_file_.emplace(target.target_id, target.source);
  const auto earlier = index_.find(target.target_id);
  if (earlier == index_.end()) {
    index_.emplace(target.target_id, run_.targets.size());
    run_.targets.push_back(std::move(target));
    return;
  }
  // A further invocation of the same benchmark: its processes and
  // repetitions follow the earlier files'.
  ImportedTarget& merged = run_.targets[earlier->second];
  if (merged.status != TargetStatus::ok) return;  // a failure in any invocation stands
  if (target.status != TargetStatus::ok) {
    merged.status = target.status;
    merged.reason = target.reason + " (in " + target.source + ")";
    merged.samples.clear();
    return;
  }
  std::uint32_t next_process = 0, next_repetition = 0;
  for (const Sample& s : merged.samples) {
    next_process = std::max(next_process, s.process + 1);
    next_repetition = std::max(next_repetition, s.repetition + 1);
  }
  for (Sample s : target.samples) {
    s.process += next_process;
    s.repetition += next_repetition;
    merged.samples.push_back(s);
  }
  if (target.origin == SampleOrigin::summary_only) merged.origin = SampleOrigin::summary_only;
}

ImportedRun import_each(std::string format, std::string tool, const std::vector<fs::path>& paths,
                        const ReadOneInput& read_one) {
  ImportedRun run;
  run.format = std::move(format);
  run.tool = std::move(tool);
  ImportCollector collector(run);
  for (const fs::path& path : paths) {
    collector.begin_file(path);
    read_one(path, run, collector);
  }
  return run;
}

std::string read_import_file(const fs::path& file, std::uintmax_t max_bytes) {
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (ec || !fs::exists(status))
    throw ImportError(file.string() + ": no such file; pass the file the tool wrote");
  if (!fs::is_regular_file(status))
    throw ImportError(file.string() + ": not a regular file (a directory, FIFO or device)");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > max_bytes)
    throw ImportError(file.string() + ": larger than " + std::to_string(max_bytes >> 20) +
                      " MiB, more than the tool writes; is it the right file?");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ImportError(file.string() + ": cannot be opened for reading");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace costops::host

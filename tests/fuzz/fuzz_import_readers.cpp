// libFuzzer target for the files `cost-ops import` reads: other tools'
// output, truncated, damaged or hand-made. The first byte picks the reader
// (and for Criterion which of its two files the rest is); the rest is the
// file. Any input must end in an ImportedRun whose targets have valid ids or
// in an ImportError, never a crash, hang or sanitizer report.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "costops/host/import/import_readers.hpp"
#include "costops/host/plugin_probe.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& work_directory() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "fuzz-import-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    return fs::path(pattern);
  }();
  return dir;
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

constexpr const char* kCriterionBenchmark =
    R"({"group_id":"g","function_id":"f","value_str":"8","throughput":{"Elements":8},)"
    R"("full_id":"g/f/8"})";
constexpr const char* kCriterionSample =
    R"({"sampling_mode":"Linear","iters":[1,2],"times":[5,9]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costops::host;
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const fs::path& dir = work_directory();
  const fs::path file = dir / "input.json";
  const fs::path criterion = dir / "criterion";
  const fs::path bench = criterion / "g" / "f" / "8" / "new";
  ImportedRun (*reader)(const ImportPaths&) = nullptr;
  fs::path input = file;
  switch (data[0] % 7) {
    case 0:
      reader = read_google_benchmark;
      break;
    case 1:
      reader = read_hyperfine;
      break;
    case 2:
      reader = read_pytest_benchmark;
      break;
    case 3:
      reader = read_bmf;
      break;
    case 4:
      reader = read_raw_records;
      break;
    case 5:
      write(bench / "benchmark.json", kCriterionBenchmark);
      write(bench / "sample.json", text);
      reader = read_criterion;
      input = criterion;
      break;
    default:
      write(bench / "benchmark.json", text);
      write(bench / "sample.json", kCriterionSample);
      reader = read_criterion;
      input = criterion;
      break;
  }
  if (input == file) write(file, text);
  try {
    const ImportedRun run = reader({input});
    for (const ImportedTarget& t : run.targets) {
      if (!is_valid_target_id(t.target_id)) std::abort();
      if (t.status == TargetStatus::ok && t.samples.empty()) std::abort();
      if (!t.family.empty() && !is_valid_target_id(t.family)) std::abort();
    }
  } catch (const ImportError&) {
  }
  return 0;
}

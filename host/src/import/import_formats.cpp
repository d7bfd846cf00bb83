// The one list of formats `cost-ops import` reads: the command's dispatch,
// its --help and completion come from here.
#include <array>

#include "costops/host/import/import_readers.hpp"

namespace costops::host {

namespace {

constexpr std::array<ImportFormat, 6> kFormats = {{
    {"google-benchmark", "its JSON output (benchmark_format=json, or the benchmark_out file)",
     read_google_benchmark},
    {"hyperfine", "the file of its export-json option", read_hyperfine},
    {"criterion", "a target/criterion directory of `cargo bench` (Criterion.rs)", read_criterion},
    {"pytest-benchmark", "the file of its benchmark-json option", read_pytest_benchmark},
    {"bmf", "a Bencher Metric Format JSON file", read_bmf},
    {"raw", "canonical records: a raw/ directory, a run directory or record files",
     read_raw_records},
}};

}  // namespace

std::span<const ImportFormat> import_formats() {
  return kFormats;
}

const ImportFormat* find_import_format(std::string_view name) {
  for (const ImportFormat& format : kFormats)
    if (format.name == name) return &format;
  return nullptr;
}

}  // namespace costops::host

// Golden files: output compared byte for byte with a file under
// tests/host/golden/. After a deliberate format change, regenerate them with
//   COSTOPS_UPDATE_GOLDEN=1 build/bin/host_tests --test-case='*golden*'
// and review the diff (tests/host/golden/README.md).
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fixture_paths.hpp"

namespace costops::test {

inline std::string read_golden_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares `actual` with the golden file `name`; COSTOPS_UPDATE_GOLDEN=1
// rewrites it instead, so a deliberate change is one command and a visible diff.
inline void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path file = std::filesystem::path(COSTOPS_GOLDEN_DIR) / name;
  if (const char* update = std::getenv("COSTOPS_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(file, std::ios::binary) << actual;
    return;
  }
  REQUIRE_MESSAGE(std::filesystem::exists(file), "missing golden file " << file.string());
  CHECK_MESSAGE(
      read_golden_file(file) == actual,
      "differs from " << file.string()
                      << "; rerun with COSTOPS_UPDATE_GOLDEN=1 if the change is intended:\n"
                      << actual);
}

}  // namespace costops::test

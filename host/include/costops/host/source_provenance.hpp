// Which code a run benchmarked: the commit, branch and dirty flag of the
// working directory's git checkout (or what CI says with --commit/--branch),
// recorded apart from the commit the host itself was built from.
#pragma once

#include <filesystem>
#include <string>

namespace costops::host {

struct SourceProvenance {
  std::string commit;  // full hash; "" when unknown
  std::string branch;  // "" when unknown or detached
  bool dirty = false;  // tracked files had uncommitted changes
};

// Asks git about the checkout containing `directory`; everything empty
// (not an error) outside a checkout or without git.
SourceProvenance detect_source_provenance(const std::filesystem::path& directory);

}  // namespace costops::host

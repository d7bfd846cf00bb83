// Finds a plugin's own functions and data whose calls the dynamic loader
// binds to another library of the host's process. A plugin built without
// hidden visibility and the SDK's version script exports every symbol and
// calls its own through its dynamic symbol table; the loader looks such a
// call up in the process's global scope first, so a plugin function named
// like one there (libm's `log`, a libstdc++ function of a statically linked
// copy, anything the host executable exports) is never called: the plugin
// runs, and is timed, with that one instead. Runs where the plugin is
// loaded (it asks the loader).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace costops::host {

struct BoundElsewhere {
  std::string symbol;      // the plugin's own, e.g. "log"
  std::string defined_by;  // the file whose definition the loader uses
};

// The plugin's default-visibility, non-weak functions and data that it
// references through its dynamic relocations and that the process's global
// scope also defines. Reads the file's section headers; a file without them
// (or not an ELF of this machine's class) yields nothing.
std::vector<BoundElsewhere> symbols_bound_elsewhere(const std::filesystem::path& library);

// "" for no symbols, else why the plugin is refused and how to fix it.
std::string bound_elsewhere_reason(const std::vector<BoundElsewhere>& symbols);

}  // namespace costops::host

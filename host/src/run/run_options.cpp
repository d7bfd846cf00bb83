#include "costops/host/run_options.hpp"

namespace costops::host {

std::string_view to_string(IsolationMode mode) {
  return mode == IsolationMode::none ? "none" : "process";
}

}  // namespace costops::host

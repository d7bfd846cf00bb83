#include "costops/host/target_status.hpp"

#include <array>

namespace costops::host {

std::optional<TargetStatus> parse_target_status(std::string_view text) {
  constexpr std::array all = {TargetStatus::ok,           TargetStatus::failed,
                              TargetStatus::crashed,      TargetStatus::timed_out,
                              TargetStatus::incompatible, TargetStatus::invalid,
                              TargetStatus::not_run,      TargetStatus::skipped};
  for (TargetStatus status : all)
    if (to_string(status) == text) return status;
  return std::nullopt;
}

}  // namespace costops::host

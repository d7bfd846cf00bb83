// The exit codes of every cost-ops command (also listed by each --help).
#pragma once

namespace costops::host {

inline constexpr int kExitOk = 0;           // everything selected ran and is ok
inline constexpr int kExitTargetNotOk = 1;  // some target or plugin is not ok, or interrupted
inline constexpr int kExitUsage = 2;        // bad option, unusable input or environment
inline constexpr int kExitRegression = 3;   // a comparison found a regression

}  // namespace costops::host

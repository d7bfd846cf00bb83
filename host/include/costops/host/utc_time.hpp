// Wall-clock time stamps for the files the host writes.
#pragma once

#include <string>

namespace costops::host {

// Current time as RFC 3339 UTC with milliseconds: 2025-12-02T12:34:56.789Z.
std::string rfc3339_now();

}  // namespace costops::host

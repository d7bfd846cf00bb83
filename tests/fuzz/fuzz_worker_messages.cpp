// libFuzzer target for the JSON the host reads but did not write itself:
// the result messages of worker children (which run third-party code and may
// write anything to their result pipe). Any input must end in a value or a
// MessageError, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "costops/host/worker_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto json = costops::host::parse_message(text);
    try {
      (void)costops::host::measurement_from_json(json);
    } catch (const costops::host::MessageError&) {
    }
    try {
      (void)costops::host::probe_from_json(json);
    } catch (const costops::host::MessageError&) {
    }
  } catch (const costops::host::MessageError&) {
  }
  return 0;
}

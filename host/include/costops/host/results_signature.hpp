// The signature beside a results.json the host wrote: <results.json>.sig
// holds the HMAC-SHA256 of the file under the host key (host_key.hpp). A
// worker sandbox layer keeps plugins from writing the output directory
// where the kernel allows (docs/isolation.md); where it does not, a
// results.json changed after the host wrote it no longer matches its
// signature, and compare, report, export and --baseline refuse it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "costops/host/atomic_file.hpp"

namespace costops::host {

// The sidecar holding a results.json's signature: <results.json>.sig.
inline constexpr const char* kSignatureSuffix = ".sig";

std::filesystem::path signature_file(const std::filesystem::path& results_file);

// The sidecar's content for `text` (a run's results.json): the tag, a
// space, this host key's id (host_key_id) and a newline, or "" when this
// host has no key (nothing is signed then). The id tells a file signed on
// another machine or by another user (read as unsigned) from one changed
// after this host signed it (refused).
std::string results_signature_text(std::string_view text);

// Writes `text` to `results_file` atomically with its signature beside it,
// the signature first: a crash between the two leaves a results.json that
// does not match (refused), never one trusted under a signature not its
// own. Without a host key, no signature (and none left from before).
// Throws FileWriteError.
void write_signed_results_file(const std::filesystem::path& results_file, std::string_view text,
                               Flush flush = Flush::now);

struct SignatureCheck {
  enum class State {
    matches,    // signed by this host (as a run's results or a saved baseline)
    unsigned_,  // no sidecar
    mismatch,   // a sidecar whose tag is not this text's under this host's key
    foreign,    // signed under another host key (another machine or user): not checked
    unchecked,  // a sidecar, but this host has no key to check it with
  };
  State state = State::unsigned_;
  std::string problem;  // for mismatch, foreign, unchecked; a sidecar that is not a regular file
};

// Checks `text`, read from `results_file`, against its sidecar. A sidecar
// that is a link, FIFO or device is a mismatch (never followed or read).
SignatureCheck check_results_signature(const std::filesystem::path& results_file,
                                       std::string_view text);

// Why `results_file` is not known as this host's own, for a `note:` (the
// caller says what it does with it): "" when the check matched, else that it
// carries no signature of this host (imported, another machine or user, or
// its signature removed) or the check's problem (foreign, unchecked).
std::string unsigned_results_reason(const SignatureCheck& check,
                                    const std::filesystem::path& results_file);

// The message for a results.json that does not match its signature.
std::string signature_mismatch_message(const std::filesystem::path& results_file);

}  // namespace costops::host

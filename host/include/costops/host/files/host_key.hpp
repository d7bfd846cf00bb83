// The host's signing key: 32 random bytes in a per-user file the host
// creates on first use, $XDG_STATE_HOME/cost-ops/host.key (default
// ~/.local/state/cost-ops/host.key), mode 0600 in a 0700 directory.
//
// Files the host writes and later trusts (the journal, stored baselines,
// the probe cache, a run's results.json) carry an HMAC-SHA256 tag under this key, so a plugin
// that rewrites one cannot make the host believe it. The key is only as
// secret as the worker's view of it: the worker sandbox hides the host's
// files where the kernel allows (docs/isolation.md), and the file mode
// keeps other users out; a plugin running as the same user with no sandbox
// layer could read it. COST_OPS_HOST_KEY names another key file.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace costops::host {

class HostKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a tag protects; part of what is signed, so a tag made for one kind
// of file never verifies another.
enum class SignedKind { baseline, journal, probe_cache, results };

// The key file for this user, or "" when none can be placed (no
// COST_OPS_HOST_KEY, XDG_STATE_HOME or HOME).
std::filesystem::path default_host_key_file();

// Reads the key in `file`, creating it (and its directory, 0700) when it
// does not exist. Refuses a key file that is not a regular file, not 32
// bytes, not owned by this user or readable by others. Throws HostKeyError.
std::string load_or_create_host_key(const std::filesystem::path& file);

// The key of this process (loaded once from default_host_key_file()), or
// nullopt with `problem` set when there is none.
struct HostKey {
  std::optional<std::string> bytes;
  std::string problem;  // why there is no key, for messages
};
const HostKey& host_key();

// Hex HMAC-SHA256 of `content` for `kind` under `key`.
std::string signature(const std::string& key, SignedKind kind, std::string_view content);

// A public name for `key` (hex, 16 digits: an HMAC of a fixed label, which
// reveals nothing of the key): written beside a signature, it says which
// host key made it.
std::string host_key_id(const std::string& key);

// Whether `tag` is the signature of `content` (constant-time comparison).
bool signature_matches(const std::string& key, SignedKind kind, std::string_view content,
                       std::string_view tag);

}  // namespace costops::host

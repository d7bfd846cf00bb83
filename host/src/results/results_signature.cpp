#include "costops/host/results_signature.hpp"

#include "costops/host/files/host_key.hpp"
#include "costops/host/files/safe_open.hpp"

namespace costops::host {

namespace fs = std::filesystem;

fs::path signature_file(const fs::path& results_file) {
  return results_file.string() + kSignatureSuffix;
}

std::string results_signature_text(std::string_view text) {
  const HostKey& key = host_key();
  if (!key.bytes) return {};
  return signature(*key.bytes, SignedKind::results, text) + " " + host_key_id(*key.bytes) + "\n";
}

void write_signed_results_file(const fs::path& results_file, std::string_view text, Flush flush) {
  const std::string tag = results_signature_text(text);
  if (tag.empty()) {
    std::error_code ignored;
    fs::remove(signature_file(results_file), ignored);
  } else {
    write_file_atomically(signature_file(results_file), tag, flush);
  }
  write_file_atomically(results_file, text, flush);
}

SignatureCheck check_results_signature(const fs::path& results_file, std::string_view text) {
  SignatureCheck check;
  const fs::path sidecar = signature_file(results_file);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(sidecar, ec))) return check;  // unsigned
  std::string content;
  try {
    content = read_regular_file(sidecar, 1024);
  } catch (const UnsafeFileError& e) {
    check.state = SignatureCheck::State::mismatch;
    check.problem = e.what();
    return check;
  }
  while (!content.empty() && (content.back() == '\n' || content.back() == ' ')) content.pop_back();
  // "TAG KEYID"; a baseline saved before key ids has the tag alone.
  const auto space = content.find(' ');
  const std::string tag = content.substr(0, space);
  const std::string key_id = space == std::string::npos ? std::string() : content.substr(space + 1);
  const HostKey& key = host_key();
  if (!key.bytes) {
    check.state = SignatureCheck::State::unchecked;
    check.problem =
        results_file.string() + " has a signature that cannot be checked: " + key.problem;
    return check;
  }
  if (!key_id.empty() &&
      (key_id.size() != 16 || key_id.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    check.state = SignatureCheck::State::mismatch;
    check.problem = signature_mismatch_message(results_file);
    return check;
  }
  if (!key_id.empty() && key_id != host_key_id(*key.bytes)) {
    check.state = SignatureCheck::State::foreign;
    check.problem = results_file.string() +
                    " is signed with another host key (another machine or user: key " + key_id +
                    "), which this host cannot check";
    return check;
  }
  // A saved baseline is a run's results.json signed as a baseline: both
  // kinds are this host's word that the file is a complete run it wrote.
  if (signature_matches(*key.bytes, SignedKind::results, text, tag) ||
      signature_matches(*key.bytes, SignedKind::baseline, text, tag)) {
    check.state = SignatureCheck::State::matches;
    return check;
  }
  check.state = SignatureCheck::State::mismatch;
  check.problem = signature_mismatch_message(results_file);
  return check;
}

std::string signature_mismatch_message(const fs::path& results_file) {
  return results_file.string() + " does not match its signature (" +
         signature_file(results_file).filename().string() +
         "): it was changed after this host wrote and signed it, so it is not trusted; run "
         "again to get a results.json you can trust";
}

std::string unsigned_results_reason(const SignatureCheck& check, const fs::path& results_file) {
  switch (check.state) {
    case SignatureCheck::State::matches:
    case SignatureCheck::State::mismatch:  // refused, not noted
      return {};
    case SignatureCheck::State::unsigned_:
      return results_file.string() +
             " carries no signature of this host (results.json.sig): imported, written on another "
             "machine or by another user, or changed and its signature removed";
    default:  // foreign, unchecked
      return check.problem;
  }
}

}  // namespace costops::host

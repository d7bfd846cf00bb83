#include "costops/host/baselines.hpp"

#include <algorithm>
#include <vector>

#include "costops/host/atomic_file.hpp"
#include "costops/host/files/host_key.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/output_directory.hpp"

namespace costops::host {

namespace fs = std::filesystem;

bool is_valid_baseline_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

fs::path baseline_location(const fs::path& output_root, const std::string& value) {
  std::error_code ec;
  if (fs::exists(value, ec)) return value;
  return output_root / "baselines" / value;
}

fs::path save_baseline(const fs::path& output_root, const std::string& name) {
  if (!is_valid_baseline_name(name))
    throw FileWriteError("baseline name \"" + name +
                         "\" is not allowed: use letters, digits, '.', '_' and '-' only "
                         "(not \".\" or \"..\")");
  const fs::path dir = output_root / "baselines" / name;
  make_output_directories(dir);
  std::string text;
  try {
    text = read_regular_file(output_root / "results.json", kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    throw FileWriteError(std::string("cannot save the baseline: ") + e.what());
  }
  // Never launder a changed results.json into a signed baseline.
  if (const SignatureCheck check = check_results_signature(output_root / "results.json", text);
      check.state == SignatureCheck::State::mismatch)
    throw FileWriteError("cannot save the baseline " + name + ": " + check.problem);
  const HostKey& key = host_key();
  if (!key.bytes)
    throw FileWriteError("cannot save the baseline " + name + ": it could not be signed (" +
                         key.problem + ")");
  // The signature goes first: a crash between the two leaves the old
  // results.json with a signature that no longer fits, which is refused,
  // never a new results.json trusted under an old signature.
  write_file_atomically(
      signature_file(dir / "results.json"),
      signature(*key.bytes, SignedKind::baseline, text) + " " + host_key_id(*key.bytes) + "\n");
  write_file_atomically(dir / "results.json", text);
  return dir;
}

std::vector<std::string> saved_baseline_names(const fs::path& output_root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(output_root / "baselines", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_valid_baseline_name(name) && fs::is_regular_file(it->path() / "results.json", ec))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// "; saved baselines in out/baselines: a, b" or how to save one.
std::string saved_baselines_hint(const fs::path& output_root) {
  const std::vector<std::string> names = saved_baseline_names(output_root);
  if (names.empty())
    return "; " + (output_root / "baselines").string() +
           " holds none yet: save one with `cost-ops run --save-baseline NAME`";
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return "; the baselines saved in " + (output_root / "baselines").string() + ": " + list;
}

}  // namespace

StoredRun load_checked_baseline(const fs::path& output_root, const std::string& value,
                                std::string& unsigned_note) {
  std::error_code ec;
  const bool named_by_path = fs::exists(fs::symlink_status(value, ec));
  const fs::path location = baseline_location(output_root, value);
  const fs::path file = fs::is_directory(location, ec) ? location / "results.json" : location;
  if (!fs::exists(fs::symlink_status(file, ec)))
    throw ResultsFileError(
        file.string() +
        " does not exist: a baseline is a complete run's results.json (saved with "
        "--save-baseline NAME, or a directory or file you name); a run whose host did not "
        "finish is not one" +
        (named_by_path ? std::string() : saved_baselines_hint(output_root)));
  std::string text;
  try {
    text = read_regular_file(file, kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    throw ResultsFileError(e.what());
  }
  const SignatureCheck check = check_results_signature(file, text);
  const std::string save_again = "; if you trust its content, run again with --save-baseline " +
                                 (named_by_path ? std::string("NAME") : value) +
                                 " to sign a new baseline";
  switch (check.state) {
    case SignatureCheck::State::matches:
      break;
    case SignatureCheck::State::unsigned_:
      if (!named_by_path)
        throw ResultsFileError("baseline " + file.string() + " has no signature (" +
                               signature_file(file).filename().string() +
                               "): it was not saved by this host, or was altered" + save_again);
      unsigned_note = "baseline " + file.string() +
                      " carries no signature of this host; it is trusted because you named the "
                      "file";
      break;
    case SignatureCheck::State::foreign:
      if (!named_by_path) throw ResultsFileError("baseline " + check.problem + save_again);
      unsigned_note = "baseline " + check.problem + "; it is trusted because you named the file";
      break;
    case SignatureCheck::State::unchecked:
      throw ResultsFileError("baseline " + check.problem);
    case SignatureCheck::State::mismatch:
      throw ResultsFileError("baseline " + check.problem + save_again);
  }
  return parse_stored_run(text, file);
}

}  // namespace costops::host

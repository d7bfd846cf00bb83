// The run's journal, <output>/.journal.jsonl: what a run has finished so
// far, read back by `compare`, `run --baseline` and `aggregate` when the
// host died before writing results.json. A plugin's worker could have
// written there, so every line is signed with the host key (host_key.hpp)
// and bound to its run: a forged, altered, reordered-in or replayed line is
// refused, never trusted.
//
// Line format, one JSON object per line:
//   {"mac":"<hex HMAC>","run":{"run_id":"<random>","planned_targets":M,"started_at":"..."}}
//   {"mac":"<hex HMAC>","target":<results.json target entry>}
// The MAC covers the kind ("run" or "target"), the run id and the exact
// bytes of the value, so it is checked without re-serialising anything.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace costops::host {

// The header line of a new journal: `planned_targets` targets were planned.
// `run_id` is this run's random id (new_journal_run_id()).
std::string journal_header_line(const std::string& run_id, std::size_t planned_targets,
                                const std::string& started_at);
// One finished target's line: `entry_json` is its serialised results.json entry.
std::string journal_target_line(const std::string& run_id, std::string_view entry_json);
std::string new_journal_run_id();

// What a journal holds once checked.
struct JournalContents {
  std::string targets_json;  // {"targets":[...]}: the last line of each target wins
  std::size_t finished_targets = 0;
  std::optional<std::size_t> planned_targets;
  // "partial run: N of M targets, host did not finish" plus any cut-short
  // last line, for the reader's warning.
  std::string partial_note;
};

// Reads and checks `journal`. Throws ResultsFileError naming the file and
// the line when a line is not signed by this user's host key (forged,
// altered or from another run), when there is no header, or when no key
// is available to check it. A last line cut short (the host died while
// appending it) is reported in partial_note, not skipped silently.
JournalContents read_journal(const std::filesystem::path& journal);

}  // namespace costops::host

#include "costops/host/run_journal.hpp"

#include <boost/json.hpp>
#include <map>
#include <random>
#include <vector>

#include "costops/host/files/host_key.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"
#include "costops/host/results_file.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

constexpr std::string_view kMacPrefix = "{\"mac\":\"";
constexpr std::size_t kMacLength = 64;

std::string signed_content(std::string_view kind, const std::string& run_id,
                           std::string_view value) {
  std::string content(kind);
  content += '\n';
  content += run_id;
  content += '\n';
  content += value;
  return content;
}

std::string signed_line(std::string_view kind, const std::string& run_id, std::string_view value) {
  const HostKey& key = host_key();
  const std::string mac =
      key.bytes ? signature(*key.bytes, SignedKind::journal, signed_content(kind, run_id, value))
                : std::string(kMacLength, '0');  // unsigned: the reader refuses it, saying why
  std::string line(kMacPrefix);
  line += mac;
  line += "\",\"";
  line += kind;
  line += "\":";
  line += value;
  line += '}';
  return line;
}

// A line split into its parts, or nullopt when it is not of the signed form.
struct SignedLine {
  std::string_view mac, kind, value;
};
std::optional<SignedLine> split_line(std::string_view line) {
  if (!line.starts_with(kMacPrefix) || line.size() < kMacPrefix.size() + kMacLength + 4 ||
      !line.ends_with('}'))
    return std::nullopt;
  SignedLine parts;
  parts.mac = line.substr(kMacPrefix.size(), kMacLength);
  std::string_view rest = line.substr(kMacPrefix.size() + kMacLength);
  if (!rest.starts_with("\",\"")) return std::nullopt;
  rest.remove_prefix(3);
  const std::size_t quote = rest.find('"');
  if (quote == std::string_view::npos || rest.substr(quote, 2) != "\":") return std::nullopt;
  parts.kind = rest.substr(0, quote);
  parts.value = rest.substr(quote + 2, rest.size() - quote - 3);
  return parts;
}

[[noreturn]] void refuse(const std::filesystem::path& file, std::size_t line_number,
                         const std::string& why) {
  throw ResultsFileError(file.string() + " line " + std::to_string(line_number) + " " + why);
}

}  // namespace

std::string new_journal_run_id() {
  Sha256 seed;  // unique enough and unpredictable to the worker: mixes the key in
  const HostKey& key = host_key();
  seed.update(key.bytes.value_or(""));
  std::string entropy(16, '\0');
  std::random_device device;
  for (char& c : entropy) c = static_cast<char>(device());
  seed.update(entropy);
  return to_hex(seed.finish()).substr(0, 32);
}

std::string journal_header_line(const std::string& run_id, std::size_t planned_targets,
                                const std::string& started_at) {
  return signed_line(
      "run", run_id,
      json::serialize(json::object{
          {"run_id", run_id}, {"planned_targets", planned_targets}, {"started_at", started_at}}));
}

std::string journal_target_line(const std::string& run_id, std::string_view entry_json) {
  return signed_line("target", run_id, entry_json);
}

JournalContents read_journal(const std::filesystem::path& journal) {
  std::string text;
  try {
    text = read_regular_file(journal, kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    throw ResultsFileError(e.what());
  }
  const HostKey& key = host_key();
  if (!key.bytes)
    throw ResultsFileError(journal.string() + " cannot be checked (" + key.problem +
                           "), so it is not trusted");
  JournalContents contents;
  std::string run_id;
  std::vector<std::string> order;
  std::map<std::string, std::string> latest;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++line_number;
    const std::size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    const std::string_view line =
        std::string_view(text).substr(start, (complete ? end : text.size()) - start);
    start = complete ? end + 1 : text.size();
    const auto parts = split_line(line);
    if (!complete) {  // the host died while appending: the line is not whole
      contents.partial_note += "; line " + std::to_string(line_number) +
                               " is cut short (the host died while writing it) and was not read";
      break;
    }
    if (!parts)
      refuse(journal, line_number, "is not a line the host writes; the journal was altered");
    if (line_number == 1) {
      if (parts->kind != "run") refuse(journal, 1, "is not the journal's header");
      boost::system::error_code ec;
      const json::value header = json::parse(parts->value, ec);
      const json::value* id =
          ec || !header.is_object() ? nullptr : header.get_object().if_contains("run_id");
      if (!id || !id->is_string()) refuse(journal, 1, "is not the journal's header");
      run_id = std::string(id->get_string());
    }
    if (!signature_matches(*key.bytes, SignedKind::journal,
                           signed_content(parts->kind, run_id, parts->value), parts->mac))
      refuse(journal, line_number,
             "is not signed by this host for this run (forged, altered or copied from another "
             "run, or written with another user's key); the journal is not trusted");
    boost::system::error_code ec;
    const json::value value = json::parse(parts->value, ec);
    if (ec || !value.is_object()) refuse(journal, line_number, "is not a JSON object");
    if (parts->kind == "run") {
      if (line_number != 1) refuse(journal, line_number, "is a second header");
      if (const auto* planned = value.get_object().if_contains("planned_targets");
          planned && planned->is_uint64())
        contents.planned_targets = static_cast<std::size_t>(planned->get_uint64());
      else if (planned && planned->is_int64() && planned->get_int64() >= 0)
        contents.planned_targets = static_cast<std::size_t>(planned->get_int64());
      continue;
    }
    const json::value* id = value.get_object().if_contains("target_id");
    if (parts->kind != "target" || !id || !id->is_string())
      refuse(journal, line_number, "is not a target's entry");
    const std::string target_id(id->get_string());
    if (!latest.count(target_id)) order.push_back(target_id);
    latest[target_id] = std::string(parts->value);
  }
  if (line_number == 0) throw ResultsFileError(journal.string() + " is empty: no target finished");
  contents.finished_targets = order.size();
  contents.targets_json = "{\"targets\":[";
  for (std::size_t i = 0; i < order.size(); ++i)
    contents.targets_json += (i ? "," : "") + latest[order[i]];
  contents.targets_json += "]}";
  contents.partial_note = "partial run: " + std::to_string(order.size()) + " of " +
                          (contents.planned_targets ? std::to_string(*contents.planned_targets)
                                                    : std::string("an unknown number of")) +
                          " targets, host did not finish" + contents.partial_note;
  return contents;
}

}  // namespace costops::host

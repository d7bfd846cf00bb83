#include "costops/host/history_outbox.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "costops/host/atomic_file.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/target_status.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object target_json(const StoredTargetRow& t) {
  json::array samples, repetition, process;
  for (double v : t.ns_per_operation) samples.push_back(v);
  for (auto r : t.repetition) repetition.push_back(r);
  for (auto p : t.process) process.push_back(p);
  json::object o{{"target_id", t.target_id},
                 {"status", t.status},
                 {"reason", t.reason},
                 {"median_ns", t.median_ns},
                 {"metrics", json::parse(t.metrics_json)},
                 {"ns_per_operation", std::move(samples)},
                 {"repetition", std::move(repetition)},
                 {"process", std::move(process)}};
  if (t.summary_only) o["summary_only"] = true;  // absent: measured (files from before it too)
  return o;
}

// The reader's checks: every field present with its type, or the file is refused.
class RecordReader {
 public:
  RecordReader(const json::object& object, const fs::path& file) : object_(object), file_(file) {}
  std::string text(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (!v || !v->is_string()) fail(std::string("lacks the text field \"") + key + "\"");
    return std::string(v->get_string());
  }
  // An array the first outbox files did not have yet: empty when absent.
  json::array optional_array(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (v && !v->is_array()) fail(std::string("has \"") + key + "\" that is not an array");
    return v ? v->get_array() : json::array();
  }
  const json::array& array(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (!v || !v->is_array()) fail(std::string("lacks the array \"") + key + "\"");
    return v->get_array();
  }
  bool flag(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (!v || !v->is_bool()) fail(std::string("lacks the true/false field \"") + key + "\"");
    return v->get_bool();
  }
  // A flag the first outbox files did not have yet: false when absent.
  bool optional_flag(const char* key) const { return object_.contains(key) && flag(key); }
  double number(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (!v || !v->is_number()) fail(std::string("lacks the number \"") + key + "\"");
    return v->to_number<double>();
  }
  std::string serialized(const char* key) const {
    const json::value* v = object_.if_contains(key);
    if (!v) fail(std::string("lacks \"") + key + "\"");
    return json::serialize(*v);
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw HistoryError("outbox file " + file_.string() + " " + what +
                       ": it is not a run record written by cost-ops run");
  }

 private:
  const json::object& object_;
  const fs::path& file_;
};

// The directory (created) readable by its owner only: run records hold the
// command line and the environment. Throws FileWriteError.
fs::path private_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw FileWriteError("cannot create " + dir.string() + ": " + ec.message());
  return dir;
}

void write_private_file(const fs::path& file, const std::string& text) {
  write_file_atomically(file, text);
  std::error_code ec;
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                  ec);
}

// Moves a file the store must not take to rejected/, with NAME.reason.txt
// saying why; the upload goes on with the others.
fs::path reject(const fs::path& file, const std::string& reason) {
  const fs::path dir = private_directory(file.parent_path() / kRejectedDirectoryName);
  const fs::path moved = dir / file.filename();
  write_private_file(dir / (file.filename().string() + ".reason.txt"), reason + "\n");
  std::error_code ec;
  fs::rename(file, moved, ec);
  if (ec)
    throw FileWriteError("cannot move " + file.string() + " to " + dir.string() + ": " +
                         ec.message());
  return moved;
}

const json::object& object_at(const json::value& v, const RecordReader& reader) {
  if (!v.is_object()) reader.fail("has an entry that is not an object");
  return v.get_object();
}

StoredTargetRow read_target(const json::value& value, const RecordReader& parent,
                            const fs::path& file) {
  const RecordReader r(object_at(value, parent), file);
  StoredTargetRow t{r.text("target_id"),
                    r.text("status"),
                    r.text("reason"),
                    r.number("median_ns"),
                    r.serialized("metrics"),
                    {},
                    {},
                    {}};
  for (const auto& v : r.array("ns_per_operation")) {
    if (!v.is_number()) r.fail("has a sample of " + t.target_id + " that is not a number");
    t.ns_per_operation.push_back(v.to_number<double>());
  }
  // Repetitions and processes are counts: a negative or fractional one is
  // refused, never wrapped or rounded.
  const auto counts = [&](const json::array& values, const char* what) {
    std::vector<std::uint32_t> out;
    for (const auto& v : values) {
      const bool count = (v.is_int64() && v.get_int64() >= 0 && v.get_int64() <= UINT32_MAX) ||
                         (v.is_uint64() && v.get_uint64() <= UINT32_MAX);
      if (!count)
        r.fail("has a " + std::string(what) + " of " + t.target_id +
               " that is not a count: " + json::serialize(v));
      out.push_back(static_cast<std::uint32_t>(v.to_number<std::uint64_t>()));
    }
    return out;
  };
  t.repetition = counts(r.array("repetition"), "repetition");
  if (t.ns_per_operation.size() != t.repetition.size() && !t.repetition.empty())
    r.fail("has a target whose samples and repetitions differ in number");
  t.process = counts(r.optional_array("process"), "process");
  if (t.ns_per_operation.size() != t.process.size() && !t.process.empty())
    r.fail("has a target whose samples and processes differ in number");
  t.summary_only = r.optional_flag("summary_only");
  return t;
}

RunProvenance read_provenance(const RecordReader& r) {
  RunProvenance p{r.text("repository"), r.text("commit"), r.text("branch"), r.text("machine_id"),
                  r.text("host_name"),  r.text("cpu"),    r.text("ci_url"), {},
                  r.flag("dirty")};
  for (const auto& label : r.array("labels"))
    if (label.is_string()) p.labels.emplace_back(label.get_string());
  return p;
}

}  // namespace

std::string run_record_json(const RunRecord& record) {
  json::array targets;
  for (const auto& t : record.targets) targets.push_back(target_json(t));
  return to_pretty_json(json::object{{"run_record_version", kRunRecordFormatVersion},
                                     {"run_uid", record.run_uid},
                                     {"timestamp", record.timestamp},
                                     {"host_version", record.host_version},
                                     {"host_commit", record.host_commit},
                                     {"environment", json::parse(record.environment_json)},
                                     {"command_line", json::parse(record.command_line_json)},
                                     {"provenance", provenance_json(record.provenance)},
                                     {"targets", std::move(targets)}});
}

RunRecord parse_run_record(const std::string& text, const fs::path& file) {
  boost::system::error_code ec;
  const json::value document = json::parse(text, ec);
  if (ec || !document.is_object())
    throw HistoryError("outbox file " + file.string() + " is not a JSON object");
  const RecordReader r(document.get_object(), file);
  if (r.number("run_record_version") != kRunRecordFormatVersion)
    r.fail("has a run_record_version other than " + std::to_string(kRunRecordFormatVersion));
  RunRecord record{r.text("run_uid"),
                   r.text("timestamp"),
                   r.text("host_version"),
                   r.text("host_commit"),
                   r.serialized("environment"),
                   r.serialized("command_line"),
                   {},
                   {}};
  const json::value* provenance = document.get_object().if_contains("provenance");
  if (!provenance) r.fail("lacks \"provenance\"");
  record.provenance = read_provenance(RecordReader(object_at(*provenance, r), file));
  for (const auto& t : r.array("targets")) record.targets.push_back(read_target(t, r, file));
  if (const std::string problem = run_record_problem(record); !problem.empty()) r.fail(problem);
  return record;
}

std::string run_record_problem(const RunRecord& record) {
  const auto quoted = [](const std::string& text) {
    return "\"" + valid_utf8(text, 80) + "\"";  // cut on a character boundary
  };
  if (record.run_uid.empty() || record.run_uid.size() > 64 ||
      !std::all_of(record.run_uid.begin(), record.run_uid.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
    return "has the run_uid " + quoted(record.run_uid) +
           ", not 1 to 64 letters, digits, '-' or '_'";
  if (!canonical_utc_time(record.timestamp))
    return "has the timestamp " + quoted(record.timestamp) + ", not an RFC 3339 time";
  std::set<std::string> ids;
  for (const StoredTargetRow& t : record.targets) {
    if (t.target_id.empty()) return "has a target with an empty target_id";
    if (!ids.insert(t.target_id).second)
      return "lists the target " + quoted(t.target_id) + " twice";
    if (!parse_target_status(t.status))
      return "has the status " + quoted(t.status) + " for " + t.target_id +
             ", not one cost-ops writes";
    // No operation measured by a run lasts longer than the longest --timeout
    // (a week): a larger or negative time is not a measurement.
    const auto plausible = [](double ns) {
      return std::isfinite(ns) && ns >= 0 && ns <= kMaxPlausibleNs;
    };
    if (!plausible(t.median_ns))
      return "has the median " + format_double("%g", t.median_ns) + " ns for " + t.target_id +
             ", not a time between 0 and a week";
    for (double v : t.ns_per_operation)
      if (!plausible(v))
        return "has the sample " + format_double("%g", v) + " ns for " + t.target_id +
               ", not a time between 0 and a week";
    boost::system::error_code ec;
    if (const json::value metrics = json::parse(t.metrics_json, ec); ec || !metrics.is_object())
      return "has metrics for " + t.target_id + " that are not a JSON object";
  }
  return {};
}

fs::path queue_in_outbox(const fs::path& output_dir, const RunRecord& record) {
  const fs::path dir = private_directory(output_dir / kOutboxDirectoryName);
  const fs::path file = dir / (record.run_uid + ".json");
  write_private_file(file, run_record_json(record));
  return file;
}

OutboxUpload upload_outbox(ResultStore& store, const fs::path& directory) {
  std::error_code ec;
  const fs::path outbox = fs::is_directory(directory / kOutboxDirectoryName, ec)
                              ? directory / kOutboxDirectoryName
                              : directory;
  if (!fs::is_directory(outbox, ec))
    throw HistoryError(directory.string() + " is neither an output directory with a " +
                       kOutboxDirectoryName + "/ nor an outbox directory");
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(outbox, ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".json" && it->is_regular_file()) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  OutboxUpload result;
  for (const fs::path& file : files) {
    std::string text;
    try {
      text = read_regular_file(file);
    } catch (const UnsafeFileError& e) {  // a FIFO, device or link where a file was queued
      result.rejected.emplace_back(file, e.what());
      continue;
    } catch (const std::exception&) {
      continue;  // a concurrent upload took it
    }
    try {
      const RunRecord record = parse_run_record(text, file);
      const AppendResult stored = store.store_run(record);
      (stored.already_stored ? result.already_stored : result.stored)
          .emplace_back(file, stored.run_id);
      fs::remove(file, ec);
    } catch (const StoreDataError& e) {  // the store refused this run, not every run
      result.rejected.emplace_back(reject(file, e.what()), e.what());
    } catch (const HistoryError& e) {
      if (std::string(e.what()).starts_with("outbox file "))  // from parse_run_record
        result.rejected.emplace_back(reject(file, e.what()), e.what());
      else
        throw;  // the store: stop, keep this file and the rest
    }
  }
  return result;
}

}  // namespace costops::host

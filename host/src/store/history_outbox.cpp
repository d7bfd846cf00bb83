#include "costops/host/history_outbox.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "costops/host/atomic_file.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/json_text.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object target_json(const StoredTargetRow& t) {
  json::array samples, repetition, process;
  for (double v : t.ns_per_operation) samples.push_back(v);
  for (auto r : t.repetition) repetition.push_back(r);
  for (auto p : t.process) process.push_back(p);
  return {{"target_id", t.target_id},
          {"status", t.status},
          {"reason", t.reason},
          {"median_ns", t.median_ns},
          {"metrics", json::parse(t.metrics_json)},
          {"ns_per_operation", std::move(samples)},
          {"repetition", std::move(repetition)},
          {"process", std::move(process)}};
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
  for (const auto& v : r.array("ns_per_operation"))
    t.ns_per_operation.push_back(v.is_number() ? v.to_number<double>() : 0);
  for (const auto& v : r.array("repetition"))
    t.repetition.push_back(v.is_int64() ? static_cast<std::uint32_t>(v.get_int64()) : 0);
  if (t.ns_per_operation.size() != t.repetition.size() && !t.repetition.empty())
    r.fail("has a target whose samples and repetitions differ in number");
  for (const auto& v : r.optional_array("process"))
    t.process.push_back(v.is_int64() ? static_cast<std::uint32_t>(v.get_int64()) : 0);
  if (t.ns_per_operation.size() != t.process.size() && !t.process.empty())
    r.fail("has a target whose samples and processes differ in number");
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
  if (record.run_uid.empty()) r.fail("has an empty run_uid");
  return record;
}

fs::path queue_in_outbox(const fs::path& output_dir, const RunRecord& record) {
  const fs::path dir = output_dir / kOutboxDirectoryName;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / (record.run_uid + ".json");
  write_file_atomically(file, run_record_json(record));
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
    RunRecord record;
    try {
      record = parse_run_record(read_regular_file(file), file);
    } catch (const HistoryError& e) {
      result.refused.emplace_back(file, e.what());
      continue;
    } catch (const UnsafeFileError& e) {
      result.refused.emplace_back(file, e.what());
      continue;
    }
    result.stored.emplace_back(file, store.append(record));
    fs::remove(file, ec);
  }
  return result;
}

}  // namespace costops::host

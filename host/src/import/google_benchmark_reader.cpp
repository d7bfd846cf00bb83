// Google Benchmark JSON (--benchmark_format=json, --benchmark_out=FILE).
// Repetitions run inside one process, so they are repetitions, not
// processes: only separate files (separate invocations) are processes.
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "costops/host/google_benchmark_keys.hpp"
#include "costops/host/import/import_readers.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
using import_json::Where;

namespace {

// Nanoseconds in one `time_unit`.
double unit_ns(const std::string& unit, const Where& where) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  const json::value shown(unit);
  import_json::refuse(where, &shown, "one of ns, us, ms, s");
}

std::vector<std::pair<std::string, MetricValue>> counters_of(const json::object& b,
                                                             double unit_in_ns) {
  std::vector<std::pair<std::string, MetricValue>> metrics;
  for (const auto& [key, value] : b) {
    if (is_google_benchmark_row_key(key) || !value.is_number()) continue;
    metrics.emplace_back("counter_" + import_target_id(key, "counter"), value.to_number<double>());
  }
  // The tool's rates under their own names: Google Benchmark divides by CPU
  // time unless the benchmark uses real time, so they are not the host's.
  for (const char* rate : {"bytes_per_second", "items_per_second"})
    if (const json::value* v = b.if_contains(rate); v && v->is_number())
      metrics.emplace_back(std::string("gbench_") + rate, v->to_number<double>());
  if (const json::value* v = b.if_contains("cpu_time"); v && v->is_number())
    metrics.emplace_back("gbench_cpu_time_ns", v->to_number<double>() * unit_in_ns);
  return metrics;
}

// A count the context gives (CPUs, a cache's level or sharers): at most
// `most`, else refused like any other wrong value.
unsigned small_count(const json::value& v, const Where& where, double most) {
  const double n = import_json::number_of(v, where, 0);
  if (n > most || n != std::floor(n)) {
    const std::string expected =
        "a whole number from 0 to " + std::to_string(static_cast<long long>(most));
    import_json::refuse(where, &v, expected);
  }
  return static_cast<unsigned>(n);
}

// The machine the benchmarks ran on, as the context block describes it
// (host_name, num_cpus, mhz_per_cpu, cpu_scaling_enabled, caches, load_avg,
// library_build_type): the run's environment (imported_environment.hpp).
ImportedMachine machine_of(const json::object& c, const Where& at) {
  ImportedMachine m;
  m.host_name = import_json::optional_string(c, "host_name", at).value_or("");
  if (const json::value* v = c.if_contains("num_cpus"); v && !v->is_null())
    m.logical_cpus = small_count(*v, at.at("num_cpus"), 1e6);
  m.cpu_mhz = import_json::optional_number(c, "mhz_per_cpu", at).value_or(0);
  if (const json::value* v = c.if_contains("cpu_scaling_enabled"); v && !v->is_null()) {
    if (!v->is_bool()) import_json::refuse(at.at("cpu_scaling_enabled"), v, "true or false");
    m.frequency_scaling = v->get_bool();
  }
  if (const json::value* v = c.if_contains("caches"); v && !v->is_null()) {
    const json::array& caches = import_json::array_of(*v, at.at("caches"));
    for (std::size_t i = 0; i < caches.size(); ++i) {
      const Where where = at.at("caches").at(i);
      const json::object& cache = import_json::object_of(caches[i], where);
      CpuCache entry;
      entry.type = import_json::optional_string(cache, "type", where).value_or("");
      if (const json::value* level = cache.if_contains("level"); level && !level->is_null())
        entry.level = static_cast<int>(small_count(*level, where.at("level"), 16));
      const double size = import_json::optional_number(cache, "size", where).value_or(0);
      if (size > 1e15 || size != std::floor(size)) {
        const json::value shown(size);
        import_json::refuse(where.at("size"), &shown, "a whole number of bytes below 10^15");
      }
      entry.size_bytes = static_cast<std::uint64_t>(size);
      if (const json::value* n = cache.if_contains("num_sharing"); n && !n->is_null())
        entry.shared_by_cpus = small_count(*n, where.at("num_sharing"), 1e6);
      m.caches.push_back(std::move(entry));
    }
  }
  if (const json::value* v = c.if_contains("load_avg"); v && !v->is_null()) {
    const json::array& load = import_json::array_of(*v, at.at("load_avg"));
    if (!load.empty()) m.load_average_1m = import_json::number_of(load[0], at.at("load_avg").at(0));
  }
  m.library_build_type = import_json::optional_string(c, "library_build_type", at).value_or("");
  return m;
}

void read_context(const json::object& c, const Where& at, ImportedRun& run) {
  if (auto date = import_json::optional_string(c, "date", at); date && run.started_at.empty())
    run.started_at = *date;
  if (auto exe = import_json::optional_string(c, "executable", at); exe && run.tool_command.empty())
    run.tool_command = *exe;
  // Google Benchmark 1.8 on: its version ("v1.8.3").
  if (auto version = import_json::optional_string(c, "library_version", at);
      version && run.tool_version.empty())
    run.tool_version = *version;
  ImportedMachine machine = machine_of(c, at);
  if (run.machine.host_name.empty() && run.machine.logical_cpus == 0) {
    run.machine = std::move(machine);
  } else if (machine.host_name != run.machine.host_name) {
    run.notes.push_back(at.file.string() + " ran on " +
                        (machine.host_name.empty() ? "an unnamed host" : machine.host_name) +
                        ", not on " + run.machine.host_name +
                        " like the first file: the environment is the first file's");
  }
}

bool is_integer(std::string_view text, std::int64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// A benchmark with exactly one numeric argument ("BM_sort/1024", named
// "BM_sort/n:1024" with ArgName) is a member of a family: its name without
// that argument ("BM_sort", "BM_sort/threads:2"), the argument the value.
// The options Google Benchmark appends ("threads:2", "real_time", ...) are
// not arguments.
void set_family(ImportedTarget& target, const std::string& run_name) {
  static const std::set<std::string, std::less<>> kOptions = {
      "threads", "min_time", "min_warmup_time", "iterations", "repeats"};
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = run_name.find('/', start);
    parts.emplace_back(std::string_view(run_name).substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::size_t found = 0, at = 0;
  std::int64_t argument = 0;
  std::string variable = "n";
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t colon = parts[i].find(':');
    const std::string_view name = colon == std::string_view::npos ? "" : parts[i].substr(0, colon);
    std::int64_t value = 0;
    if (!is_integer(parts[i].substr(colon == std::string_view::npos ? 0 : colon + 1), value) ||
        kOptions.count(name))
      continue;
    ++found, at = i, argument = value;
    if (!name.empty()) variable = std::string(name);
  }
  if (found != 1) return;
  std::string family(parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (i != at) family += "/" + std::string(parts[i]);
  target.family = import_target_id(family, target.source);
  target.argument = argument;
  target.family_variable = variable;
}

struct PendingTarget {
  ImportedTarget target;
  bool has_iterations = false;
  std::map<std::string, double> aggregates_ns;  // aggregate_name -> time per iteration
};

void read_file(const std::filesystem::path& file, ImportedRun& run, ImportCollector& collector) {
  const json::value doc = import_json::parse_file(file);
  const Where top{file, ""};
  const json::object& root = import_json::object_of(doc, top);
  if (const json::value* context = root.if_contains("context"); context && context->is_object())
    read_context(context->get_object(), top.at("context"), run);
  const json::array& benchmarks = import_json::array_member(root, "benchmarks", top);
  std::vector<std::string> order;
  std::map<std::string, PendingTarget> pending;
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const Where at = top.at("benchmarks").at(i);
    const json::object& b = import_json::object_of(benchmarks[i], at);
    const std::string name = import_json::string_member(b, "name", at);
    const std::string run_name = import_json::optional_string(b, "run_name", at).value_or(name);
    const std::string run_type =
        import_json::optional_string(b, "run_type", at).value_or("iteration");
    if (run_type != "iteration" && run_type != "aggregate") {
      const json::value shown(run_type);
      import_json::refuse(at.at("run_type"), &shown, "iteration or aggregate");
    }
    // ->Complexity() adds a fit of the whole family over its sizes (the
    // "BigO" and "RMS" aggregates): no time of one benchmark, and its
    // run_name is the family's, which no benchmark of its own has.
    if (b.contains("big_o") || b.contains("rms")) continue;
    auto [slot, is_new] = pending.try_emplace(run_name);
    PendingTarget& p = slot->second;
    if (is_new) {
      order.push_back(run_name);
      p.target.source = file.string() + ": benchmark " + run_name;
      p.target.target_id = import_target_id(run_name, p.target.source);
      p.target.description = run_name;
      set_family(p.target, run_name);
    }
    const json::value* error = b.if_contains("error_occurred");
    if (error && error->is_bool() && error->get_bool()) {
      p.target.status = TargetStatus::failed;
      p.target.reason =
          import_json::optional_string(b, "error_message", at).value_or("error_occurred");
      continue;
    }
    // Google Benchmark 1.8 on: state.SkipWithMessage(), the benchmark said
    // it cannot run here (its iterations and times are zeros).
    const json::value* skipped = b.if_contains("skipped");
    if (skipped && skipped->is_bool() && skipped->get_bool()) {
      if (p.target.status == TargetStatus::ok) {
        p.target.status = TargetStatus::skipped;
        p.target.reason = import_json::optional_string(b, "skip_message", at).value_or("skipped");
      }
      continue;
    }
    const double per_unit = unit_ns(import_json::optional_string(b, "time_unit", at).value_or("ns"),
                                    at.at("time_unit"));
    const double real_time = import_json::number_member(b, "real_time", at) * per_unit;
    if (run_type == "aggregate") {
      // cv is a ratio and percentiles a user's own statistic: only the
      // time aggregates stand for the benchmark.
      const std::string aggregate =
          import_json::optional_string(b, "aggregate_name", at).value_or("");
      if (import_json::optional_string(b, "aggregate_unit", at).value_or("time") == "time")
        p.aggregates_ns[aggregate] = real_time;
      continue;
    }
    const std::uint64_t iterations = import_json::count_member(b, "iterations", at);
    const double repetition = import_json::optional_number(b, "repetition_index", at).value_or(0);
    if (repetition > 1e6) {
      const json::value shown(repetition);
      import_json::refuse(at.at("repetition_index"), &shown, "a repetition index below 1000000");
    }
    p.has_iterations = true;
    // Google Benchmark measures CPU time too: kept, so an export gives it back.
    const double cpu_time = import_json::optional_number(b, "cpu_time", at).value_or(-1);
    p.target.samples.push_back(
        {iterations, real_time * static_cast<double>(iterations),
         static_cast<std::uint32_t>(repetition), 0,
         cpu_time >= 0 ? cpu_time * per_unit * static_cast<double>(iterations) : -1});
    p.target.metrics = counters_of(b, per_unit);  // the last repetition's counters
  }
  for (const std::string& run_name : order) {
    PendingTarget& p = pending.at(run_name);
    if (p.target.status == TargetStatus::ok && !p.has_iterations) {
      const auto median = p.aggregates_ns.find("median");
      const auto mean = p.aggregates_ns.find("mean");
      const auto central = median != p.aggregates_ns.end() ? median : mean;
      if (central == p.aggregates_ns.end())
        throw ImportError(p.target.source +
                          " has neither iteration runs nor a mean or median aggregate");
      p.target.origin = SampleOrigin::summary_only;
      p.target.samples = {{1, central->second, 0, 0}};
    }
    if (p.target.status != TargetStatus::ok) p.target.samples.clear();
    collector.add(std::move(p.target));
  }
}

}  // namespace

ImportedRun read_google_benchmark(const ImportPaths& files) {
  return import_each("google-benchmark", "Google Benchmark", files, read_file);
}

}  // namespace costops::host

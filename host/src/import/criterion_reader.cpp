// Criterion.rs: target/criterion/<group>/<function>/<value>/new/ holds
// benchmark.json (ids, throughput) and sample.json (each sample's iteration
// count and total time in ns): the raw samples, kept one for one. One
// directory given is one `cargo bench` invocation, i.e. one process.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "costops/host/import/import_readers.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;
using import_json::Where;

namespace {

// Criterion takes 100 samples by default; a file claiming more than this
// is damaged or not Criterion's.
constexpr std::size_t kMaxSamples = 10'000'000;

// Every <benchmark>/new/ directory holding a benchmark.json, sorted (the
// walk's order is the file system's).
std::vector<fs::path> benchmark_directories(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw ImportError(root.string() +
                      ": not a directory; pass target/criterion (or a directory under it)");
  std::vector<fs::path> found;
  if (root.filename() == "new" && fs::exists(root / "benchmark.json", ec)) found.push_back(root);
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() == "report") it.disable_recursion_pending();
    if (it->is_directory(ec) && it->path().filename() == "new" &&
        fs::exists(it->path() / "benchmark.json", ec))
      found.push_back(it->path());
  }
  if (ec) throw ImportError(root.string() + ": cannot be read (" + ec.message() + ")");
  if (found.empty())
    throw ImportError(root.string() +
                      ": no <benchmark>/new/benchmark.json under it; run `cargo bench` first and "
                      "pass its target/criterion directory");
  std::sort(found.begin(), found.end());
  return found;
}

void set_throughput(ImportedTarget& target, const json::object& benchmark, const Where& where) {
  const json::value* throughput = benchmark.if_contains("throughput");
  if (throughput == nullptr || throughput->is_null()) return;
  const json::object& t = import_json::object_of(*throughput, where.at("throughput"));
  for (const auto& [kind, amount] : t) {
    const std::uint64_t count = import_json::count_of(amount, where.at("throughput").at(kind));
    if (kind == "Bytes" || kind == "BytesDecimal") target.bytes_per_operation = count;
    if (kind == "Elements") target.items_per_operation = count;
  }
}

// A numeric BenchmarkId parameter makes the benchmark a family member:
// group/function is the family, the parameter its argument.
void set_family(ImportedTarget& target, const json::object& benchmark) {
  const json::value* value = benchmark.if_contains("value_str");
  if (value == nullptr || !value->is_string()) return;
  const std::string text(value->get_string());
  std::int64_t argument = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), argument);
  if (ec != std::errc() || end != text.data() + text.size()) return;
  std::string family;
  for (const char* key : {"group_id", "function_id"})
    if (const json::value* part = benchmark.if_contains(key); part && part->is_string())
      family += (family.empty() ? "" : "/") + std::string(part->get_string());
  if (family.empty()) return;
  target.family = import_target_id(family, target.source);
  target.argument = argument;
  target.family_variable = "n";
}

ImportedTarget read_benchmark(const fs::path& dir) {
  const fs::path benchmark_file = dir / "benchmark.json";
  const fs::path sample_file = dir / "sample.json";
  std::error_code ec;
  if (!fs::exists(sample_file, ec))
    throw ImportError(sample_file.string() +
                      ": missing; Criterion writes it beside benchmark.json. Was the run "
                      "interrupted? Run `cargo bench` again");
  const json::value benchmark_doc = import_json::parse_file(benchmark_file);
  const json::object& benchmark = import_json::object_of(benchmark_doc, Where{benchmark_file, ""});
  ImportedTarget target;
  const std::string name =
      import_json::string_member(benchmark, "full_id", Where{benchmark_file, ""});
  target.source = benchmark_file.string() + ": benchmark " + name;
  target.target_id = import_target_id(name, target.source);
  target.description = name;
  set_throughput(target, benchmark, Where{benchmark_file, ""});
  set_family(target, benchmark);

  const json::value sample_doc = import_json::parse_file(sample_file);
  const Where top{sample_file, ""};
  const json::object& sample = import_json::object_of(sample_doc, top);
  const json::array& iters = import_json::array_member(sample, "iters", top);
  const json::array& times = import_json::array_member(sample, "times", top);
  if (iters.size() != times.size() || iters.empty() || iters.size() > kMaxSamples) {
    const json::value shown(times.size());
    import_json::refuse(top.at("times"), &shown,
                        "as many times as iters (" + std::to_string(iters.size()) +
                            "), at least 1 and at most 10000000");
  }
  for (std::size_t i = 0; i < iters.size(); ++i)
    target.samples.push_back({import_json::count_of(iters[i], top.at("iters").at(i)),
                              import_json::number_of(times[i], top.at("times").at(i)), 0, 0});
  return target;
}

}  // namespace

ImportedRun read_criterion(const ImportPaths& directories) {
  return import_each("criterion", "Criterion.rs", directories,
                     [](const fs::path& root, ImportedRun&, ImportCollector& collector) {
                       for (const fs::path& dir : benchmark_directories(root))
                         collector.add(read_benchmark(dir));
                     });
}

}  // namespace costops::host

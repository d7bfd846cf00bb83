#include "costops/host/comparison.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad_file(const fs::path& file, const std::string& what) {
  throw ResultsFileError(file.string() + ": " + what);
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, 0.5);
}

double normal_survival(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

std::string percent(double fraction) {
  return format_double("%+.1f%%", 100 * fraction);
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::no_change:
      return "no change";
    case Verdict::noisy:
      return "noisy";
  }
  return "no change";
}

StoredRun parse_stored_run(const std::string& text, const fs::path& file) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) bad_file(file, "not valid JSON (" + ec.message() + ")");
  if (!doc.is_object())
    bad_file(file, "the top level is not an object; is this a cost-ops results.json?");
  const json::object& root = doc.get_object();
  const json::value* targets = root.if_contains("targets");
  if (targets == nullptr || !targets->is_array())
    bad_file(file, "no \"targets\" array; is this a cost-ops results.json?");
  StoredRun run;
  run.file = file;
  if (const json::value* ts = root.if_contains("timestamp"); ts && ts->is_string())
    run.timestamp = std::string(ts->get_string());
  for (const json::value& t : targets->get_array()) {
    if (!t.is_object()) bad_file(file, "a target entry is not an object");
    const json::object& o = t.get_object();
    const json::value* id = o.if_contains("target_id");
    const json::value* status = o.if_contains("status");
    if (!id || !id->is_string() || !status || !status->is_string())
      bad_file(file, "a target entry lacks \"target_id\" or \"status\"");
    StoredTarget target{std::string(id->get_string()), std::string(status->get_string()), {}};
    if (target.status != "ok") continue;
    const json::value* samples = o.if_contains("samples");
    if (!samples || !samples->is_object())
      bad_file(file, "target " + target.target_id + " has no samples");
    const json::value* iterations = samples->get_object().if_contains("iterations");
    const json::value* elapsed = samples->get_object().if_contains("elapsed_ns");
    if (!iterations || !elapsed || !iterations->is_array() || !elapsed->is_array() ||
        iterations->get_array().size() != elapsed->get_array().size())
      bad_file(file,
               "target " + target.target_id +
                   ": samples.iterations and samples.elapsed_ns must be arrays of one length");
    for (std::size_t i = 0; i < elapsed->get_array().size(); ++i) {
      const json::value& n = iterations->get_array()[i];
      const json::value& e = elapsed->get_array()[i];
      boost::system::error_code num_ec;
      const double count = n.is_number() ? n.to_number<double>(num_ec) : -1;
      const double ns = e.is_number() ? e.to_number<double>(num_ec) : -1;
      if (num_ec || !(count >= 1) || !(ns >= 0) || !std::isfinite(ns))
        bad_file(file, "target " + target.target_id + ": sample " + std::to_string(i) +
                           " is not a positive count and time");
      target.ns_per_operation.push_back(ns / count);
    }
    if (target.ns_per_operation.empty())
      bad_file(file, "target " + target.target_id + " is ok but has no samples");
    // Optional: older files and other programs may not say.
    if (const json::value* repetition = samples->get_object().if_contains("repetition")) {
      if (!repetition->is_array() ||
          repetition->get_array().size() != target.ns_per_operation.size())
        bad_file(file, "target " + target.target_id +
                           ": samples.repetition must be an array as long as samples.iterations");
      for (const json::value& r : repetition->get_array()) {
        if (!r.is_uint64() && !(r.is_int64() && r.get_int64() >= 0))
          bad_file(file, "target " + target.target_id +
                             ": samples.repetition holds something other than a count");
        const std::uint64_t index = r.is_uint64() ? r.get_uint64() : r.get_int64();
        if (index > 1'000'000)
          bad_file(file, "target " + target.target_id + ": samples.repetition " +
                             std::to_string(index) + " is implausibly large");
        target.repetition.push_back(static_cast<std::uint32_t>(index));
      }
    }
    run.targets.push_back(std::move(target));
  }
  return run;
}

StoredRun load_stored_run(const fs::path& dir_or_file) {
  std::error_code ec;
  const fs::path file =
      fs::is_directory(dir_or_file, ec) ? dir_or_file / "results.json" : dir_or_file;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    bad_file(file,
             "cannot be read; pass an output directory of `cost-ops run` or its results.json");
  std::stringstream text;
  text << in.rdbuf();
  return parse_stored_run(text.str(), file);
}

double mann_whitney_p_value(const std::vector<double>& a, const std::vector<double>& b) {
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  if (a.empty() || b.empty()) return 1;
  std::vector<std::pair<double, int>> all;
  for (double v : a) all.emplace_back(v, 0);
  for (double v : b) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end());
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double average_rank =
        (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // 1-based
    const double ties = static_cast<double>(j - i);
    tie_term += ties * ties * ties - ties;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second == 0) rank_sum_a += average_rank;
    i = j;
  }
  const double u = rank_sum_a - n1 * (n1 + 1) / 2;
  const double mean = n1 * n2 / 2;
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return 1;
  const double z = (std::abs(u - mean) - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_survival(std::max(z, 0.0)));
}

std::vector<double> repetition_medians(const StoredTarget& target) {
  std::map<std::uint32_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < target.ns_per_operation.size(); ++i)
    groups[i < target.repetition.size() ? target.repetition[i] : 0].push_back(
        target.ns_per_operation[i]);
  std::vector<double> medians;
  for (auto& [repetition, values] : groups) medians.push_back(median_of(std::move(values)));
  return medians;
}

TargetComparison compare_targets(const StoredTarget& base, const StoredTarget& current,
                                 const ComparisonSettings& settings) {
  std::vector<double> base_medians = repetition_medians(base);
  std::vector<double> new_medians = repetition_medians(current);
  TargetComparison c;
  if (base_medians.size() >= 2 && new_medians.size() >= 2) {
    c = compare_samples(base.target_id, base_medians, new_medians, settings);
    c.basis = ComparisonBasis::repetition_medians;
  } else {
    c = compare_samples(base.target_id, base.ns_per_operation, current.ns_per_operation, settings);
  }
  return c;
}

TargetComparison compare_samples(const std::string& target_id, const std::vector<double>& base,
                                 const std::vector<double>& current,
                                 const ComparisonSettings& settings) {
  TargetComparison c;
  c.target_id = target_id;
  c.base_count = base.size();
  c.new_count = current.size();
  c.base_median = median_of(base);
  c.new_median = median_of(current);
  c.change = c.base_median > 0 ? c.new_median / c.base_median - 1 : 0;
  c.p_value = mann_whitney_p_value(base, current);

  // Percentile bootstrap of the ratio of medians, with a fixed seed so the
  // same inputs always give the same interval.
  std::mt19937_64 random(0x5eed);
  std::vector<double> ratios;
  std::vector<double> a(base.size()), b(current.size());
  for (std::uint32_t r = 0; r < settings.bootstrap_resamples && !base.empty() && !current.empty();
       ++r) {
    for (double& v : a) v = base[random() % base.size()];
    for (double& v : b) v = current[random() % current.size()];
    const double m = median_of(a);
    if (m > 0) ratios.push_back(median_of(b) / m - 1);
  }
  std::sort(ratios.begin(), ratios.end());
  c.change_ci_low = ratios.empty() ? c.change : quantile_of_sorted(ratios, 0.025);
  c.change_ci_high = ratios.empty() ? c.change : quantile_of_sorted(ratios, 0.975);

  const bool significant = c.p_value < settings.alpha;
  const bool large = std::abs(c.change) >= settings.threshold;
  if (significant && large)
    c.verdict = c.change > 0 ? Verdict::slower : Verdict::faster;
  else if (!significant && large)
    c.verdict = Verdict::noisy;  // looks like a change that matters, but could be noise
  else
    c.verdict = Verdict::no_change;
  return c;
}

bool RunComparison::has_regression() const {
  return std::any_of(targets.begin(), targets.end(),
                     [](const auto& t) { return t.verdict == Verdict::slower; });
}

RunComparison compare_runs(const StoredRun& base, const StoredRun& current,
                           const ComparisonSettings& settings) {
  RunComparison result;
  result.settings = settings;
  std::map<std::string, const StoredTarget*> base_targets, new_targets;
  for (const auto& t : base.targets) base_targets[t.target_id] = &t;
  for (const auto& t : current.targets) new_targets[t.target_id] = &t;
  for (const auto& [id, t] : new_targets) {
    const auto it = base_targets.find(id);
    if (it == base_targets.end())
      result.added.push_back(id);
    else
      result.targets.push_back(compare_targets(*it->second, *t, settings));
  }
  for (const auto& [id, t] : base_targets)
    if (!new_targets.count(id)) result.removed.push_back(id);
  return result;
}

namespace {

std::string basis_name(const TargetComparison& t) {
  return (t.basis == ComparisonBasis::repetition_medians ? "reps " : "samples ") +
         std::to_string(t.base_count) + "/" + std::to_string(t.new_count);
}

// The smallest p-value the test can give for these sample sizes (two fully
// separated groups): at or above alpha, no difference can be significant.
double smallest_p_value(std::size_t n1, std::size_t n2) {
  std::vector<double> low(n1), high(n2);
  for (std::size_t i = 0; i < n1; ++i) low[i] = static_cast<double>(i);
  for (std::size_t i = 0; i < n2; ++i) high[i] = static_cast<double>(n1 + i);
  return mann_whitney_p_value(low, high);
}

std::string method_line(const RunComparison& c) {
  std::string line =
      "Verdicts: two-sided Mann-Whitney U test (alpha " + format_double("%g", c.settings.alpha) +
      ") and a minimum change of " + format_double("%g%%", 100 * c.settings.threshold) +
      "; 95% confidence intervals of the change of the median by bootstrap (" +
      std::to_string(c.settings.bootstrap_resamples) +
      " resamples). Basis: per-repetition medians (\"reps\") where both runs have two or "
      "more repetitions, else per-sample times (\"samples\").";
  if (std::any_of(c.targets.begin(), c.targets.end(),
                  [](const TargetComparison& t) { return t.basis == ComparisonBasis::samples; }))
    line +=
        " Samples from one process share that process's luck, so a \"samples\" verdict does "
        "not include process-to-process variation: run with --rounds 5 or more for verdicts "
        "that gate anything.";
  std::string too_few;
  for (const TargetComparison& t : c.targets)
    if (smallest_p_value(t.base_count, t.new_count) >= c.settings.alpha)
      too_few += (too_few.empty() ? "" : ", ") + t.target_id;
  if (!too_few.empty())
    line += " Too few values for any verdict but no change or noisy at this alpha: " + too_few +
            " (record more repetitions, e.g. --rounds 5).";
  return line;
}

}  // namespace

std::string comparison_text(const RunComparison& c) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %14s %14s %9s %21s %9s %15s  %s\n", "target",
                "base median", "new median", "change", "95% CI", "p", "basis", "verdict");
  out << line;
  for (const auto& t : c.targets) {
    std::snprintf(line, sizeof line, "%-36s %14s %14s %9s %21s %9.3g %15s  %s\n",
                  t.target_id.c_str(), human_duration(t.base_median).c_str(),
                  human_duration(t.new_median).c_str(), percent(t.change).c_str(),
                  (percent(t.change_ci_low) + " .. " + percent(t.change_ci_high)).c_str(),
                  t.p_value, basis_name(t).c_str(), std::string(verdict_name(t.verdict)).c_str());
    out << line;
  }
  for (const auto& id : c.added) out << id << ": added (only in the new run)\n";
  for (const auto& id : c.removed) out << id << ": removed (only in the base run)\n";
  out << method_line(c) << "\n";
  return out.str();
}

std::string comparison_markdown(const RunComparison& c) {
  std::string md =
      "| Target | Base median | New median | Change | 95% CI | p | Basis | Verdict |\n";
  md += "|--------|------------:|-----------:|-------:|-------:|--:|-------|---------|\n";
  for (const auto& t : c.targets) {
    const std::string verdict = t.verdict == Verdict::slower ? "🔴 slower"
                                : t.verdict == Verdict::faster
                                    ? "🟢 faster"
                                    : std::string(verdict_name(t.verdict));
    md += "| " + t.target_id + " | " + human_duration(t.base_median) + " | " +
          human_duration(t.new_median) + " | " + percent(t.change) + " | " +
          percent(t.change_ci_low) + " .. " + percent(t.change_ci_high) + " | " +
          format_double("%.3g", t.p_value) + " | " + basis_name(t) + " | " + verdict + " |\n";
  }
  for (const auto& id : c.added) md += "| " + id + " | – | | | | | | added |\n";
  for (const auto& id : c.removed) md += "| " + id + " | | – | | | | | removed |\n";
  md += "\n" + method_line(c) + "\n";
  return md;
}

std::string comparison_json(const RunComparison& c) {
  json::array targets;
  for (const auto& t : c.targets)
    targets.push_back(
        json::object{{"target_id", t.target_id},
                     {"base_median_ns", finite_or_null(t.base_median)},
                     {"new_median_ns", finite_or_null(t.new_median)},
                     {"change", finite_or_null(t.change)},
                     {"change_ci95_low", finite_or_null(t.change_ci_low)},
                     {"change_ci95_high", finite_or_null(t.change_ci_high)},
                     {"p_value", finite_or_null(t.p_value)},
                     {"basis", t.basis == ComparisonBasis::repetition_medians ? "repetition_medians"
                                                                              : "samples"},
                     {"base_count", t.base_count},
                     {"new_count", t.new_count},
                     {"verdict", verdict_name(t.verdict)}});
  json::array added, removed;
  for (const auto& id : c.added) added.emplace_back(id);
  for (const auto& id : c.removed) removed.emplace_back(id);
  return to_pretty_json(json::object{
      {"method", json::object{{"test", "mann_whitney_u_two_sided"},
                              {"alpha", c.settings.alpha},
                              {"threshold", c.settings.threshold},
                              {"confidence_interval", "bootstrap_percentile_95_of_median_ratio"},
                              {"bootstrap_resamples", c.settings.bootstrap_resamples}}},
      {"targets", std::move(targets)},
      {"added", std::move(added)},
      {"removed", std::move(removed)},
      {"regression", c.has_regression()}});
}

}  // namespace costops::host

#include "costops/host/target_families.hpp"

#include <algorithm>

#include "costops/host/human_units.hpp"

namespace costops::host {

namespace {

FamilyResult& family_named(std::vector<FamilyResult>& families, const TargetResult& t) {
  for (FamilyResult& f : families)
    if (f.family == t.family) return f;
  FamilyResult added;
  added.family = t.family;
  added.variable = t.complexity_variable.empty() ? "n" : t.complexity_variable;
  families.push_back(std::move(added));
  return families.back();
}

void fit(FamilyResult& family) {
  std::sort(family.members.begin(), family.members.end(),
            [](const TargetResult* a, const TargetResult* b) { return a->argument < b->argument; });
  std::vector<ComplexityPoint> points;
  for (const TargetResult* t : family.members) points.push_back({t->argument, t->stats.median});
  family.no_fit_reason = why_no_complexity_fit(points);
  if (family.no_fit_reason.empty()) family.best = best_complexity_fit(points);
}

}  // namespace

std::vector<FamilyResult> family_results(const SuiteReport& report) {
  std::vector<FamilyResult> families;
  for (const TargetResult& t : report.targets)
    if (!t.family.empty() && t.status == TargetStatus::ok && t.measurement)
      family_named(families, t).members.push_back(&t);
  for (FamilyResult& family : families) fit(family);
  return families;
}

std::string complexity_summary(const FamilyResult& family) {
  if (!family.best) return family.family + ": no complexity fit (" + family.no_fit_reason + ")";
  const ComplexityFit& best = *family.best;
  const std::string curve = big_o_notation(best.complexity, family.variable);
  // "O(records)" -> "records" for the coefficient's factor.
  const std::string factor = curve.substr(2, curve.size() - 3);
  return family.family + ": " + curve + ", " + human_duration(best.coefficient_ns) +
         (factor == "1" ? "" : " × " + factor) + " (normalised RMS " +
         format_double("%.1f%%", 100 * best.normalized_rms) + ")";
}

}  // namespace costops::host

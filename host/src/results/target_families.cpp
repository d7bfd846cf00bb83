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

namespace {

// "4.2×", "over 1000×" (an exact fit divides by zero).
std::string separation_text(double separation) {
  return separation > 1000 ? std::string("over 1000×") : format_double("%.1f×", separation);
}

}  // namespace

std::string complexity_summary(const FamilyResult& family) {
  if (!family.best) return family.family + ": no complexity fit (" + family.no_fit_reason + ")";
  const ComplexityFit& best = *family.best;
  const std::string curve = big_o_notation(best.complexity, family.variable);
  const std::string next = big_o_notation(best.next_best, family.variable);
  if (!best.determined())
    return family.family + ": complexity not determined: " + curve + " fits only " +
           separation_text(best.separation) + " better than " + next + " (" +
           separation_text(kMinComplexitySeparation) + " needed) over arguments " +
           std::to_string(family.members.front()->argument) + " .. " +
           std::to_string(family.members.back()->argument) +
           "; measure members further apart or with less noise";
  // "O(records)" -> "records" for the coefficient's factor.
  const std::string factor = curve.substr(2, curve.size() - 3);
  return family.family + ": " + curve + ", " + human_duration(best.coefficient_ns) +
         (factor == "1" ? "" : " × " + factor) + " (fits " + separation_text(best.separation) +
         " better than " + next + "; normalised RMS " +
         format_double("%.1f%%", 100 * best.normalized_rms) + ")";
}

}  // namespace costops::host

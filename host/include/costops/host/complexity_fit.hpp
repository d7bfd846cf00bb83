// Asymptotic complexity of a family of targets (ABI 1.1 families). For each
// candidate curve f (1, log n, n, n log n, n^2, n^3) the least-squares
// coefficient c of time ~ c * f(n) (a line through the origin) and the root
// mean square of the residuals divided by the mean time (normalised RMS), as
// Google Benchmark computes them.
//
// The order is chosen by relative misfit instead: the RMS of
// log(time / f(n)) around its mean, so every member weighs the same. Least
// squares on absolute times is decided by the largest member alone (10,000
// records outweigh 100 a hundredfold), which made the chosen order flip from
// run to run between O(n) and O(n log n) while the time per record was flat.
// The fit also says how sure it is: the next-best order's relative misfit
// over the chosen one's. Below kMinComplexitySeparation the arguments cannot
// tell the two apart at this noise, and the order is "not determined".
//
// Input: (argument, median ns per operation) per member, the argument being
// the family's declared argument, not a number parsed out of an id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace costops::host {

enum class Complexity { constant, logarithmic, linear, linearithmic, quadratic, cubic };

// Every candidate, in the order the best-fit search tries them.
inline constexpr Complexity kAllComplexities[] = {Complexity::constant,  Complexity::logarithmic,
                                                  Complexity::linear,    Complexity::linearithmic,
                                                  Complexity::quadratic, Complexity::cubic};

// "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)", spelled with
// the family's complexity variable instead of n ("O(records log records)").
std::string big_o_notation(Complexity complexity, std::string_view variable = "n");

// The curve f(n): 1, log2 n, n, n log2 n, n^2, n^3.
double complexity_curve(Complexity complexity, double n);

struct ComplexityPoint {
  std::int64_t argument = 0;  // the family member's argument (n)
  double ns = 0;              // its median time per operation
};

// The next-best order must misfit (relatively) at least this many times as
// much as the chosen one. With three members 100..10,000 and the time per
// member uncertain by ±10%, O(n) and O(n log n) data are told apart at this
// ratio in almost every trial and never the wrong way round; at ±20-30% the
// fit says "not determined" in half the trials or more instead of guessing.
inline constexpr double kMinComplexitySeparation = 3.0;

struct ComplexityFit {
  Complexity complexity = Complexity::constant;
  double coefficient_ns = 0;  // time ~ coefficient_ns * f(n), by least squares
  double normalized_rms = 0;  // RMS of the residuals / mean time; 0 is a perfect fit
  // RMS of log(time / f(n)) around its mean: the misfit in relative terms
  // (0.1 is about ±10%); infinite when f is 0 at some argument (log 1).
  double relative_rms = 0;
  // Set by best_complexity_fit: the order that fits next best and its
  // relative_rms over this one's (infinite when this one fits exactly).
  Complexity next_best = Complexity::constant;
  double separation = 0;
  bool determined() const { return separation >= kMinComplexitySeparation; }
};

// "" when `points` can be fitted; else why not, for people: fewer than two
// distinct arguments, an argument below 1 (log n is undefined at 0), or a
// time that is not a positive finite number.
std::string why_no_complexity_fit(const std::vector<ComplexityPoint>& points);

// The fit of one curve. Precondition: why_no_complexity_fit(points) is "".
ComplexityFit fit_complexity(const std::vector<ComplexityPoint>& points, Complexity complexity);

// The best of all six curves by relative RMS (O(1) wins ties), with the
// next best and the separation. Same precondition.
ComplexityFit best_complexity_fit(const std::vector<ComplexityPoint>& points);

}  // namespace costops::host

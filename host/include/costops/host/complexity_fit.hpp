// Asymptotic complexity of a family of targets (ABI 1.1 families), the way
// Google Benchmark fits it: for each candidate curve f (1, log n, n, n log n,
// n^2, n^3) the least-squares coefficient c of time ~ c * f(n) (a line
// through the origin), and the root mean square of the residuals divided by
// the mean time (normalised RMS). The best fit is the curve with the lowest
// normalised RMS; O(1) wins ties. Input: (argument, median ns per operation)
// per member, the argument being the family's declared argument, not a
// number parsed out of an id.
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

struct ComplexityFit {
  Complexity complexity = Complexity::constant;
  double coefficient_ns = 0;  // time ~ coefficient_ns * f(n)
  double normalized_rms = 0;  // RMS of the residuals / mean time; 0 is a perfect fit
};

// "" when `points` can be fitted; else why not, for people: fewer than two
// distinct arguments, an argument below 1 (log n is undefined at 0), or a
// time that is not a positive finite number.
std::string why_no_complexity_fit(const std::vector<ComplexityPoint>& points);

// The fit of one curve. Precondition: why_no_complexity_fit(points) is "".
ComplexityFit fit_complexity(const std::vector<ComplexityPoint>& points, Complexity complexity);

// The best of all six curves by normalised RMS. Same precondition.
ComplexityFit best_complexity_fit(const std::vector<ComplexityPoint>& points);

}  // namespace costops::host

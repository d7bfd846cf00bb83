// Exact decimal numbers for money: a signed count of 10^-18 units held in a
// Boost.Multiprecision 128-bit integer (±3.4 × 10^20 with 18 decimals).
// Arithmetic is checked: a result outside ±max() raises DecimalOverflowError
// instead of wrapping.
//
// Why 18 decimal places: prices are quoted per million tokens with up to 12
// decimals, so the price of ONE token is an exact multiple of 10^-18 and a
// token count times it is an exact integer product. Pricing never rounds;
// rounding (half to even) happens only when a caller asks for fewer places.
// There is no binary floating point on this path.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace costops::core {

class DecimalError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The exact result of an operation lies outside the range a Decimal holds
// (see Decimal::max()). The message names the operation and its operands.
class DecimalOverflowError : public DecimalError {
 public:
  using DecimalError::DecimalError;
};

class Decimal {
 public:
  using Units = boost::multiprecision::int128_t;
  static constexpr int kScale = 18;             // decimal places held exactly
  static constexpr int kMaxIntegerDigits = 21;  // of max(); parse() checks the value itself

  Decimal() = default;
  static Decimal from_units(Units units) { return Decimal(units); }
  static Decimal from_integer(std::int64_t value);
  // The largest magnitude held: (2^128 - 1) units, that is
  // 340282366920938463463.374607431768211455; -max() is the smallest value.
  static Decimal max();

  // Parses "-12.345", "0.0000001", "3" (no exponent, no thousands
  // separators). Throws DecimalError naming the text when it is malformed,
  // has more than 18 significant decimals (it could not be held without
  // loss) or lies beyond ±max(). parse() and to_string() share that one
  // range: every Decimal's to_string() parses back to the same value.
  static Decimal parse(std::string_view text);
  static std::optional<Decimal> try_parse(std::string_view text) noexcept;

  const Units& units() const { return units_; }

  // Shortest exact spelling: "0.1", "-3", "0.000000000000000001".
  std::string to_string() const;
  // Rounded half to even to `places` (0..18), always with that many decimals.
  std::string to_string_fixed(int places) const;
  // Appends to_string() to `out` without temporary allocations (export path).
  void append_to(std::string& out) const;

  // Rounds half to even ("banker's rounding") to `places` decimals. Throws
  // DecimalOverflowError when rounding away from zero passes max().
  Decimal rounded(int places) const;

  // Every operation below throws DecimalOverflowError, naming its operands,
  // when the exact (or rounded) result lies outside ±max().
  Decimal operator-() const { return Decimal(-units_); }
  Decimal& operator+=(const Decimal& other) {
    // Operands of opposite signs (or a zero) cannot leave the range; only a
    // same-sign sum needs the magnitude check.
    if (units_.sign() * other.units_.sign() > 0) check_sum(other);
    units_ += other.units_;
    return *this;
  }
  Decimal& operator-=(const Decimal& other) { return *this += -other; }
  friend Decimal operator+(Decimal a, const Decimal& b) { return a += b; }
  friend Decimal operator-(Decimal a, const Decimal& b) { return a -= b; }

  // Exact product of two decimals, rounded half to even to 18 places.
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  // Exact multiple: no rounding.
  Decimal times(std::uint64_t count) const;
  // Quotient rounded half to even to 18 places. Throws DecimalError on 0.
  Decimal divided_by(std::uint64_t divisor) const;
  // this / other rounded half to even to 18 places. Throws on zero.
  Decimal divided_by(const Decimal& other) const;

  bool is_zero() const { return units_ == 0; }
  bool is_negative() const { return units_ < 0; }
  // Number of decimal places actually used (0..18), e.g. 2 for 1.25.
  int decimal_places() const;

  // For statistics only (forecasting, ratios): never feed it back into money.
  double to_double() const;

  friend bool operator==(const Decimal& a, const Decimal& b) { return a.units_ == b.units_; }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    return a.units_ < b.units_   ? std::strong_ordering::less
           : a.units_ > b.units_ ? std::strong_ordering::greater
                                 : std::strong_ordering::equal;
  }

 private:
  explicit Decimal(Units units) : units_(units) {}
  // Throws DecimalOverflowError when |this| + |other| exceeds max().
  void check_sum(const Decimal& other) const;
  Units units_ = 0;
};

// 10^n as Units, n in 0..38.
Decimal::Units power_of_ten(int n);

}  // namespace costops::core

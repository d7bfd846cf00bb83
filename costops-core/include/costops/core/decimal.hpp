// Exact decimal numbers for money: a signed count of 10^-18 units held in a
// Boost.Multiprecision 128-bit integer (±3.4 × 10^20 with 18 decimals).
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

class Decimal {
 public:
  using Units = boost::multiprecision::int128_t;
  static constexpr int kScale = 18;             // decimal places held exactly
  static constexpr int kMaxIntegerDigits = 20;  // accepted by parse()

  Decimal() = default;
  static Decimal from_units(Units units) { return Decimal(units); }
  static Decimal from_integer(std::int64_t value);

  // Parses "-12.345", "0.0000001", "3" (no exponent, no thousands
  // separators). Throws DecimalError naming the text when it is malformed,
  // has more than 18 significant decimals (it could not be held without
  // loss) or more than 20 integer digits.
  static Decimal parse(std::string_view text);
  static std::optional<Decimal> try_parse(std::string_view text) noexcept;

  const Units& units() const { return units_; }

  // Shortest exact spelling: "0.1", "-3", "0.000000000000000001".
  std::string to_string() const;
  // Rounded half to even to `places` (0..18), always with that many decimals.
  std::string to_string_fixed(int places) const;
  // Appends to_string() to `out` without temporary allocations (export path).
  void append_to(std::string& out) const;

  // Rounds half to even ("banker's rounding") to `places` decimals.
  Decimal rounded(int places) const;

  Decimal operator-() const { return Decimal(-units_); }
  Decimal& operator+=(const Decimal& other) {
    units_ += other.units_;
    return *this;
  }
  Decimal& operator-=(const Decimal& other) {
    units_ -= other.units_;
    return *this;
  }
  friend Decimal operator+(Decimal a, const Decimal& b) { return a += b; }
  friend Decimal operator-(Decimal a, const Decimal& b) { return a -= b; }

  // Exact product of two decimals, rounded half to even to 18 places.
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  // Exact multiple: no rounding.
  Decimal times(std::uint64_t count) const { return Decimal(units_ * count); }
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
  Units units_ = 0;
};

// 10^n as Units, n in 0..38.
Decimal::Units power_of_ten(int n);

}  // namespace costops::core

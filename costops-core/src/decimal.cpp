#include "costops/core/decimal.hpp"

#include "native_units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace costops::core {

namespace mp = boost::multiprecision;
using Units = Decimal::Units;
using Wide = mp::int256_t;
using detail::magnitude;
using detail::NativeUnsigned128;

Units power_of_ten(int n) {
  static const std::array<Units, 39> powers = [] {
    std::array<Units, 39> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
    return p;
  }();
  if (n < 0 || n > 38) throw DecimalError("power of ten out of range: " + std::to_string(n));
  return powers[static_cast<std::size_t>(n)];
}

namespace {

const Units kOne = power_of_ten(Decimal::kScale);

// Divides with rounding half to even. `divisor` > 0.
template <class Int>
Int divide_half_even(const Int& value, const Int& divisor) {
  Int quotient = value / divisor;  // truncates toward zero
  Int remainder = value % divisor;
  if (remainder == 0) return quotient;
  const Int twice = (remainder < 0 ? -remainder : remainder) * 2;
  const bool away = twice > divisor || (twice == divisor && (quotient % 2 != 0));
  if (away) quotient += value < 0 ? -1 : 1;
  return quotient;
}

// Integer part and 18-digit fraction of |units|. Amounts below 2^64 units
// (about $18) take the fast 64-bit path; 128-bit division is a libgcc call.
void split(const Units& units, NativeUnsigned128& integer, std::uint64_t& fraction) {
  constexpr std::uint64_t kOneNative = 1'000'000'000'000'000'000ull;
  const NativeUnsigned128 m = magnitude(units);
  if ((m >> 64) == 0) {
    const auto low = static_cast<std::uint64_t>(m);
    integer = low / kOneNative;
    fraction = low % kOneNative;
    return;
  }
  integer = m / kOneNative;
  fraction = static_cast<std::uint64_t>(m % kOneNative);
}

void append_integer(std::string& out, NativeUnsigned128 value) {
  char digits[40];
  if ((value >> 64) == 0) {
    const auto [end, ec] =
        std::to_chars(digits, digits + sizeof digits, static_cast<std::uint64_t>(value));
    (void)ec;
    out.append(digits, end);
    return;
  }
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  while (n > 0) out.push_back(digits[--n]);
}

// The first `places` digits of an 18-digit, zero-padded fraction.
void append_fraction(std::string& out, std::uint64_t fraction, int places) {
  char digits[18];
  for (int i = 17; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out.append(digits, static_cast<std::size_t>(places));
}

[[noreturn]] void overflow(const Decimal& a, const char* operation, const std::string& b) {
  throw DecimalOverflowError("decimal overflow: " + a.to_string() + operation + b +
                             " lies outside the range ±" + Decimal::max().to_string() +
                             "; split the amount or check the input for a wrong value");
}

// `value` as Units, or DecimalOverflowError naming the operation.
Units narrow(const Wide& value, const Decimal& a, const char* operation, const std::string& b) {
  static const Wide kMaxUnits = Wide(std::numeric_limits<Units>::max());
  if (value > kMaxUnits || value < -kMaxUnits) overflow(a, operation, b);
  return static_cast<Units>(value);
}

[[noreturn]] void malformed(std::string_view text, const char* why) {
  throw DecimalError("invalid decimal \"" + std::string(text.substr(0, 64)) + "\": " + why);
}

}  // namespace

Decimal Decimal::from_integer(std::int64_t value) {
  return Decimal(Units(value) * kOne);
}

Decimal Decimal::max() {
  return Decimal(std::numeric_limits<Units>::max());
}

Decimal Decimal::parse(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  const auto dot = rest.find('.');
  const std::string_view integer = rest.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  if (integer.empty() && fraction.empty()) malformed(text, "no digits");
  if (dot != std::string_view::npos && fraction.empty() && integer.empty())
    malformed(text, "no digits");
  for (char c : integer)
    if (c < '0' || c > '9') malformed(text, "only digits, one '.', and a leading sign are allowed");
  for (char c : fraction)
    if (c < '0' || c > '9') malformed(text, "only digits, one '.', and a leading sign are allowed");
  std::string_view significant_integer = integer;
  while (!significant_integer.empty() && significant_integer.front() == '0')
    significant_integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (fraction.size() > static_cast<std::size_t>(kScale))
    malformed(text, "more than 18 decimal places cannot be held exactly");

  // The magnitude in units, checked against the one range every Decimal
  // holds (±max()), so whatever to_string() writes parses back.
  constexpr NativeUnsigned128 kOneNative = 1'000'000'000'000'000'000ull;
  const auto beyond = [&] {
    malformed(text, "beyond the largest amount held, ±340282366920938463463.374607431768211455");
  };
  NativeUnsigned128 integer_part = 0;
  for (char c : significant_integer)
    if (__builtin_mul_overflow(integer_part, NativeUnsigned128(10), &integer_part) ||
        __builtin_add_overflow(integer_part, NativeUnsigned128(c - '0'), &integer_part))
      beyond();
  std::uint64_t fraction_units = 0;
  for (char c : fraction) fraction_units = fraction_units * 10 + static_cast<unsigned>(c - '0');
  for (std::size_t i = fraction.size(); i < static_cast<std::size_t>(kScale); ++i)
    fraction_units *= 10;
  NativeUnsigned128 magnitude_units;
  if (__builtin_mul_overflow(integer_part, kOneNative, &magnitude_units) ||
      __builtin_add_overflow(magnitude_units, NativeUnsigned128(fraction_units), &magnitude_units))
    beyond();
  const Units units(magnitude_units);
  return Decimal(negative ? Units(-units) : units);
}

std::optional<Decimal> Decimal::try_parse(std::string_view text) noexcept {
  try {
    return parse(text);
  } catch (...) {
    return std::nullopt;
  }
}

void Decimal::append_to(std::string& out) const {
  NativeUnsigned128 integer;
  std::uint64_t fraction;
  split(units_, integer, fraction);
  if (units_ < 0) out.push_back('-');
  append_integer(out, integer);
  if (fraction == 0) return;
  int places = kScale;
  for (std::uint64_t rest = fraction; rest % 10 == 0; rest /= 10) --places;
  out.push_back('.');
  append_fraction(out, fraction, places);
}

std::string Decimal::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

std::string Decimal::to_string_fixed(int places) const {
  if (places < 0 || places > kScale) throw DecimalError("places must be within 0..18");
  const Decimal r = rounded(places);
  NativeUnsigned128 integer;
  std::uint64_t fraction;
  split(r.units_, integer, fraction);
  std::string out;
  if (r.units_ < 0) out.push_back('-');
  append_integer(out, integer);
  if (places > 0) {
    out.push_back('.');
    append_fraction(out, fraction, places);
  }
  return out;
}

Decimal Decimal::rounded(int places) const {
  if (places < 0 || places > kScale) throw DecimalError("places must be within 0..18");
  if (places == kScale) return *this;
  const Units step = power_of_ten(kScale - places);
  const Wide rounded = Wide(divide_half_even(units_, step)) * Wide(step);
  return Decimal(narrow(rounded, *this, " rounded to ", std::to_string(places) + " places"));
}

void Decimal::check_sum(const Decimal& other) const {
  NativeUnsigned128 sum;
  if (__builtin_add_overflow(magnitude(units_), magnitude(other.units_), &sum))
    overflow(*this, " + ", other.to_string());
}

Decimal Decimal::times(std::uint64_t count) const {
  NativeUnsigned128 product;
  if (__builtin_mul_overflow(magnitude(units_), NativeUnsigned128(count), &product))
    overflow(*this, " times ", std::to_string(count));
  return Decimal(units_ < 0 ? Units(-Units(product)) : Units(product));
}

Decimal operator*(const Decimal& a, const Decimal& b) {
  const Wide product = Wide(a.units_) * Wide(b.units_);
  const Wide scaled = divide_half_even(product, Wide(kOne));
  return Decimal(narrow(scaled, a, " * ", b.to_string()));
}

Decimal Decimal::divided_by(std::uint64_t divisor) const {
  if (divisor == 0) throw DecimalError("division by zero");
  return Decimal(divide_half_even(units_, Units(divisor)));
}

Decimal Decimal::divided_by(const Decimal& other) const {
  if (other.is_zero()) throw DecimalError("division by zero");
  Wide numerator = Wide(units_) * Wide(kOne);
  Wide denominator = Wide(other.units_);
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  return Decimal(narrow(divide_half_even(numerator, denominator), *this, " / ", other.to_string()));
}

int Decimal::decimal_places() const {
  NativeUnsigned128 integer;
  std::uint64_t fraction;
  split(units_, integer, fraction);
  if (fraction == 0) return 0;
  int places = kScale;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --places;
  }
  return places;
}

double Decimal::to_double() const {
  NativeUnsigned128 integer;
  std::uint64_t fraction;
  split(units_, integer, fraction);
  const double value = static_cast<double>(integer) + static_cast<double>(fraction) / 1e18;
  return units_ < 0 ? -value : value;
}

}  // namespace costops::core

#include "costops/core/decimal.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using costops::core::Decimal;
using costops::core::DecimalError;

TEST_CASE("decimals parse and print without loss") {
  for (const char* text : {"0", "1", "-1", "0.1", "3.75", "0.000000000000000001", "-12345.678",
                           "99999999999999999999.999999999999999999", "1000000"}) {
    CHECK(Decimal::parse(text).to_string() == text);
  }
  CHECK(Decimal::parse("+2.50").to_string() == "2.5");
  CHECK(Decimal::parse("007.000").to_string() == "7");
  CHECK(Decimal::parse(".5").to_string() == "0.5");
  CHECK(Decimal::parse("5.").to_string() == "5");
  CHECK(Decimal::parse("-0").to_string() == "0");
}

TEST_CASE("malformed or lossy decimal text is refused with the text in the message") {
  CHECK_THROWS_WITH_AS(Decimal::parse("1.2.3"), doctest::Contains("\"1.2.3\""), DecimalError);
  CHECK_THROWS_AS(Decimal::parse(""), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("-"), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("."), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("1e5"), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("1,000"), DecimalError);
  CHECK_THROWS_WITH_AS(Decimal::parse("0.0000000000000000001"),
                       doctest::Contains("18 decimal places"), DecimalError);
  CHECK_THROWS_WITH_AS(Decimal::parse("340282366920938463463.374607431768211456"),
                       doctest::Contains("beyond the largest amount held"), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("-340282366920938463464"), DecimalError);
  CHECK_THROWS_AS(Decimal::parse("1" + std::string(40, '0')), DecimalError);
  CHECK(Decimal::parse("0.1000000000000000000").to_string() == "0.1");  // zeros lose nothing
  CHECK_FALSE(Decimal::try_parse("abc").has_value());
}

// One range for parse and to_string: what the library writes (a cost total
// of 10^20 or more, max() itself) it reads back. Once parse stopped at 20
// integer digits, so such a stored record broke every listing.
TEST_CASE("every Decimal's text parses back to the same value, up to max()") {
  const Decimal max = Decimal::max();
  for (const Decimal& value :
       {max, -max, max - Decimal::from_units(1), Decimal::parse("100000000000000000000"),
        Decimal::from_integer(INT64_MAX).times(36), Decimal::from_units(1)}) {
    CHECK(Decimal::parse(value.to_string()) == value);
    CHECK(Decimal::parse(value.to_string_fixed(0)) == value.rounded(0));
  }
  CHECK(Decimal::parse("000340282366920938463463.374607431768211455") == max);
  CHECK(Decimal::parse("100000000000000000000").to_string() == "100000000000000000000");
}

TEST_CASE("one million records of $0.0000001 sum to exactly $0.1") {
  const Decimal tiny = Decimal::parse("0.0000001");
  Decimal sum;
  for (int i = 0; i < 1'000'000; ++i) sum += tiny;
  CHECK(sum == Decimal::parse("0.1"));
  CHECK(sum.to_string() == "0.1");
}

TEST_CASE("rounding is half to even") {
  CHECK(Decimal::parse("0.125").rounded(2).to_string() == "0.12");
  CHECK(Decimal::parse("0.135").rounded(2).to_string() == "0.14");
  CHECK(Decimal::parse("-0.125").rounded(2).to_string() == "-0.12");
  CHECK(Decimal::parse("-0.135").rounded(2).to_string() == "-0.14");
  CHECK(Decimal::parse("0.1251").rounded(2).to_string() == "0.13");
  CHECK(Decimal::parse("2.5").rounded(0).to_string() == "2");
  CHECK(Decimal::parse("3.5").rounded(0).to_string() == "4");
  // The original Rust cost-ops's probe: 1 token at $0.00125 per million = 1.25e-9 -> 1.2e-9 at 10
  // places.
  CHECK(Decimal::parse("0.00000000125").rounded(10).to_string() == "0.0000000012");
  CHECK(Decimal::parse("0.00000001875").rounded(10).to_string() == "0.0000000188");
  CHECK(Decimal::parse("1.005").to_string_fixed(2) == "1.00");
  CHECK(Decimal::parse("7").to_string_fixed(3) == "7.000");
  CHECK_THROWS_AS(Decimal::parse("1").rounded(19), DecimalError);
}

TEST_CASE("arithmetic is exact; division rounds half to even at 18 places") {
  const Decimal a = Decimal::parse("0.1"), b = Decimal::parse("0.2");
  CHECK((a + b) == Decimal::parse("0.3"));
  CHECK((a - b).to_string() == "-0.1");
  CHECK((Decimal::parse("1.5") * Decimal::parse("0.1")).to_string() == "0.15");
  CHECK(Decimal::parse("3").times(7).to_string() == "21");
  CHECK(Decimal::parse("1").divided_by(3).to_string() == "0.333333333333333333");
  CHECK(Decimal::parse("2").divided_by(3).to_string() == "0.666666666666666667");
  CHECK(Decimal::parse("1").divided_by(Decimal::parse("8")).to_string() == "0.125");
  CHECK(Decimal::parse("-1").divided_by(Decimal::parse("-4")).to_string() == "0.25");
  CHECK_THROWS_WITH_AS(Decimal::parse("1").divided_by(0), doctest::Contains("division by zero"),
                       DecimalError);
  CHECK_THROWS_AS(Decimal::parse("1").divided_by(Decimal()), DecimalError);
  CHECK(Decimal::parse("0.5") < Decimal::parse("0.6"));
  CHECK(Decimal::parse("1.25").decimal_places() == 2);
  CHECK(Decimal::parse("-2.5").to_double() == -2.5);
}

TEST_CASE("append_to writes the same text as to_string") {
  std::string out = "x=";
  Decimal::parse("-0.05").append_to(out);
  CHECK(out == "x=-0.05");
}

TEST_CASE("arithmetic beyond the 128-bit range raises DecimalOverflowError naming the operands") {
  using costops::core::DecimalOverflowError;
  const Decimal max = Decimal::max();
  const Decimal tiny = Decimal::from_units(1);
  CHECK(max.to_string() == "340282366920938463463.374607431768211455");
  CHECK((max - tiny) + tiny == max);  // the edge itself is representable
  CHECK_THROWS_WITH_AS(Decimal(max) += tiny,
                       doctest::Contains("340282366920938463463.374607431768211455"),
                       DecimalOverflowError);
  CHECK_THROWS_AS(-max - tiny, DecimalOverflowError);
  CHECK_THROWS_AS(-max + -tiny, DecimalOverflowError);
  CHECK(max + -max == Decimal());  // opposite signs never overflow

  const Decimal big = Decimal::parse("99999999999999999999");
  CHECK(big.times(3).to_string() == "299999999999999999997");
  CHECK_THROWS_WITH_AS(big.times(4), doctest::Contains("99999999999999999999 times 4"),
                       DecimalOverflowError);
  CHECK_THROWS_AS((-big).times(std::uint64_t(1) << 63), DecimalOverflowError);
  CHECK_THROWS_AS(big * big, DecimalOverflowError);
  CHECK((big * Decimal::parse("3")).to_string() == "299999999999999999997");
  CHECK_THROWS_AS(big.divided_by(Decimal::parse("0.001")), DecimalOverflowError);
  CHECK(big.divided_by(Decimal::parse("0.5")).to_string() == "199999999999999999998");
  // Rounding up past the last representable value is an overflow too.
  CHECK_THROWS_AS(max.rounded(17), DecimalOverflowError);
  // An overflow is a DecimalError, so existing handlers still see it.
  CHECK_THROWS_AS(big.times(4), DecimalError);
}

// Totals and breakdowns of cost records over a period. Unlike the original
// Rust cost-ops, records outside the period are left out (and counted),
// records in different currencies are refused instead of summed, a reversed
// period is an error (not an empty result), and a total that would pass the
// range of its type is an error (not a wrapped number).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "costops/core/domain.hpp"

namespace costops::core {

class CurrencyMismatchError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A period whose end lies before its start. Names both ends.
class PeriodError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A token or request total beyond 2^64 - 1 (a cost beyond Decimal::max()
// raises DecimalOverflowError). Names the record and the total.
class AggregationOverflowError : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

enum class TimeBucket { hour, day, month };

struct Period {
  Timestamp start{};  // inclusive
  Timestamp end{};    // exclusive
  bool contains(Timestamp t) const { return t >= start && t < end; }
};
// Throws PeriodError when period.end < period.start (start == end is an
// empty period, allowed). `what` names the period's use in the message.
void check_period(const Period& period, std::string_view what);

struct GroupTotal {
  Decimal cost;
  std::uint64_t requests = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  friend bool operator==(const GroupTotal&, const GroupTotal&) = default;
};

struct CostSummary {
  Period period;
  TimeBucket bucket = TimeBucket::day;
  // The records' currency; none when no record lies in the period (an empty
  // summary has no currency rather than an invented USD).
  std::optional<Currency> currency;
  GroupTotal total;
  Decimal average_cost_per_request;  // rounded half to even at 18 places; 0 when empty
  std::uint64_t records_outside_period = 0;
  std::map<std::string, GroupTotal> by_provider;  // provider_key: "openai", "acme", "custom:Gemini"
  std::map<std::string, GroupTotal> by_model;
  std::map<std::string, GroupTotal> by_organization;
  std::map<std::string, GroupTotal> by_project;  // records with a project only
  std::map<Timestamp, GroupTotal> by_time;       // bucket start -> total
};

// Throws CurrencyMismatchError naming both currencies and the record,
// PeriodError for a reversed period, AggregationOverflowError or
// DecimalOverflowError when a total leaves its range.
CostSummary aggregate_costs(std::span<const CostRecord> records, Period period,
                            TimeBucket bucket = TimeBucket::day);

std::string_view bucket_name(TimeBucket bucket);

}  // namespace costops::core

// Totals and breakdowns of cost records over a period. Unlike the Rust
// reference, records outside the period are left out (and counted), and
// records in different currencies are refused instead of summed.
#pragma once

#include <map>
#include <span>
#include <stdexcept>
#include <string>

#include "costops/core/domain.hpp"

namespace costops::core {

class CurrencyMismatchError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class TimeBucket { hour, day, month };

struct Period {
  Timestamp start{};  // inclusive
  Timestamp end{};    // exclusive
  bool contains(Timestamp t) const { return t >= start && t < end; }
};

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
  Currency currency;
  GroupTotal total;
  Decimal average_cost_per_request;  // rounded half to even at 18 places; 0 when empty
  std::uint64_t records_outside_period = 0;
  std::map<std::string, GroupTotal> by_provider;  // "openai", or the custom name
  std::map<std::string, GroupTotal> by_model;
  std::map<std::string, GroupTotal> by_organization;
  std::map<std::string, GroupTotal> by_project;  // records with a project only
  std::map<Timestamp, GroupTotal> by_time;       // bucket start -> total
};

// Throws CurrencyMismatchError naming both currencies and the record.
CostSummary aggregate_costs(std::span<const CostRecord> records, Period period,
                            TimeBucket bucket = TimeBucket::day);

std::string_view bucket_name(TimeBucket bucket);

}  // namespace costops::core

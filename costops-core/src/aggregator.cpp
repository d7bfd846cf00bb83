#include "costops/core/aggregator.hpp"

#include <string_view>
#include <unordered_map>

namespace costops::core {

namespace {

[[noreturn]] void total_overflow(const CostRecord& r, const char* total, std::uint64_t sum,
                                 std::uint64_t count) {
  throw AggregationOverflowError("cost record " + r.id + ": adding " + std::to_string(count) +
                                 " to the " + total + " total " + std::to_string(sum) +
                                 " passes 18446744073709551615; aggregate fewer records at once");
}

// An overflow check costs a flag test; a wrapped total would be wrong
// without a sign.
std::uint64_t checked_sum(std::uint64_t total, std::uint64_t count, const CostRecord& r,
                          const char* name) {
  std::uint64_t sum;
  if (__builtin_add_overflow(total, count, &sum)) total_overflow(r, name, total, count);
  return sum;
}

void add_to(GroupTotal& group, const CostRecord& r) {
  group.cost += r.cost.total;  // checked: DecimalOverflowError
  group.input_tokens = checked_sum(group.input_tokens, r.input_tokens, r, "input_tokens");
  group.output_tokens = checked_sum(group.output_tokens, r.output_tokens, r, "output_tokens");
  ++group.requests;  // one per record: cannot pass 2^64 - 1
}

Timestamp bucket_start(Timestamp t, TimeBucket bucket) {
  switch (bucket) {
    case TimeBucket::hour:
      return start_of_hour(t);
    case TimeBucket::day:
      return start_of_day(t);
    case TimeBucket::month:
      return start_of_month(t);
  }
  return t;
}

// Groups keyed by views into the records (they outlive the aggregation);
// copied into ordered maps once at the end.
using Groups = std::unordered_map<std::string_view, GroupTotal>;

std::map<std::string, GroupTotal> ordered(const Groups& groups) {
  std::map<std::string, GroupTotal> out;
  for (const auto& [key, value] : groups) out.emplace(std::string(key), value);
  return out;
}

}  // namespace

void check_period(const Period& period, std::string_view what) {
  if (period.end < period.start)
    throw PeriodError(std::string(what) + " period is reversed: it ends at " +
                      format_timestamp(period.end) + ", before its start " +
                      format_timestamp(period.start) + "; swap the two ends");
}

std::string_view bucket_name(TimeBucket bucket) {
  switch (bucket) {
    case TimeBucket::hour:
      return "hour";
    case TimeBucket::day:
      return "day";
    case TimeBucket::month:
      return "month";
  }
  return "day";
}

CostSummary aggregate_costs(std::span<const CostRecord> records, Period period, TimeBucket bucket) {
  check_period(period, "the aggregation");
  CostSummary summary;
  summary.period = period;
  summary.bucket = bucket;
  // Built-in providers by name, custom ones by their own name apart, so a
  // custom "openai" is never merged with the built-in one (see provider_key).
  Groups by_provider, by_custom_provider, by_model, by_organization, by_project;
  std::unordered_map<std::int64_t, GroupTotal> by_time;
  // Consecutive records usually share a bucket; remember the last one.
  Timestamp last_bucket_key{};
  Timestamp last_bucket_end{};
  GroupTotal* last_bucket = nullptr;

  for (const CostRecord& r : records) {
    if (!period.contains(r.timestamp)) {
      ++summary.records_outside_period;
      continue;
    }
    if (!summary.currency) {
      summary.currency = r.currency;
    } else if (!(r.currency == *summary.currency)) {
      throw CurrencyMismatchError("cost record " + r.id + " is in " +
                                  std::string(r.currency.code()) + " but earlier records are in " +
                                  std::string(summary.currency->code()) +
                                  "; aggregate each currency separately");
    }
    add_to(summary.total, r);
    if (r.provider == Provider::custom)
      add_to(by_custom_provider[r.custom_provider], r);
    else
      add_to(by_provider[provider_name(r.provider)], r);
    add_to(by_model[r.model], r);
    add_to(by_organization[r.organization_id], r);
    if (!r.project_id.empty()) add_to(by_project[r.project_id], r);
    if (last_bucket == nullptr || r.timestamp < last_bucket_key || r.timestamp >= last_bucket_end) {
      last_bucket_key = bucket_start(r.timestamp, bucket);
      last_bucket_end = bucket == TimeBucket::hour  ? last_bucket_key + std::chrono::hours(1)
                        : bucket == TimeBucket::day ? last_bucket_key + std::chrono::hours(24)
                                                    : last_bucket_key;  // months: no shortcut
      last_bucket = &by_time[to_unix_ms(last_bucket_key)];
    }
    add_to(*last_bucket, r);
  }
  if (summary.total.requests != 0)
    summary.average_cost_per_request = summary.total.cost.divided_by(summary.total.requests);
  summary.by_provider = ordered(by_provider);
  for (const auto& [name, group] : by_custom_provider)
    summary.by_provider.emplace(provider_key(Provider::custom, name), group);
  summary.by_model = ordered(by_model);
  summary.by_organization = ordered(by_organization);
  summary.by_project = ordered(by_project);
  for (const auto& [ms, group] : by_time) summary.by_time.emplace(from_unix_ms(ms), group);
  return summary;
}

}  // namespace costops::core

#include "costops/core/aggregator.hpp"

#include <string_view>
#include <unordered_map>

namespace costops::core {

namespace {

void add_to(GroupTotal& group, const CostRecord& r) {
  group.cost += r.cost.total;
  ++group.requests;
  group.input_tokens += r.input_tokens;
  group.output_tokens += r.output_tokens;
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
  CostSummary summary;
  summary.period = period;
  summary.bucket = bucket;
  Groups by_provider, by_model, by_organization, by_project;
  std::unordered_map<std::int64_t, GroupTotal> by_time;
  bool currency_known = false;
  // Consecutive records usually share a bucket; remember the last one.
  Timestamp last_bucket_key{};
  Timestamp last_bucket_end{};
  GroupTotal* last_bucket = nullptr;

  for (const CostRecord& r : records) {
    if (!period.contains(r.timestamp)) {
      ++summary.records_outside_period;
      continue;
    }
    if (!currency_known) {
      summary.currency = r.currency;
      currency_known = true;
    } else if (!(r.currency == summary.currency)) {
      throw CurrencyMismatchError("cost record " + r.id + " is in " +
                                  std::string(r.currency.code()) + " but earlier records are in " +
                                  std::string(summary.currency.code()) +
                                  "; aggregate each currency separately");
    }
    add_to(summary.total, r);
    const std::string_view provider = r.provider == Provider::custom
                                          ? std::string_view(r.custom_provider)
                                          : provider_name(r.provider);
    add_to(by_provider[provider], r);
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
  summary.by_model = ordered(by_model);
  summary.by_organization = ordered(by_organization);
  summary.by_project = ordered(by_project);
  for (const auto& [ms, group] : by_time) summary.by_time.emplace(from_unix_ms(ms), group);
  return summary;
}

}  // namespace costops::core

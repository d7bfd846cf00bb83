#include "workloads.hpp"

#include <boost/json.hpp>
#include <costops/core/cost_calculator.hpp>
#include <costops/core/domain_json.hpp>

namespace costops::workloads {

using namespace core;

const std::vector<PricingTable>& workload_price_tables() {
  static const std::vector<PricingTable> tables = [] {
    std::vector<PricingTable> t;
    for (const char* model :
         {"gpt-4o", "gpt-4o-mini", "o1", "claude-sonnet-4-5", "claude-3-5-haiku", "gemini-2.5-pro",
          "azure/gpt-4o-mini", "us.anthropic.claude-sonnet-4-5"}) {
      // Synthetic records are priced at each model's current list price
      // whatever their (made-up) date, so that period is opened to them.
      PricingTable table = reference_price(model);
      table.effective_from = Timestamp{};
      table.effective_to.reset();
      t.push_back(std::move(table));
    }
    return t;
  }();
  return tables;
}

std::vector<UsageRecord> synthetic_usage(std::size_t count, std::uint64_t seed, Timestamp start,
                                         std::chrono::milliseconds spacing) {
  Random random(seed);
  const auto& tables = workload_price_tables();
  std::vector<UsageRecord> records;
  records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const PricingTable& table = tables[random.below(tables.size())];
    UsageRecord r;
    r.id = "usage-" + std::to_string(seed) + "-" + std::to_string(i);
    r.timestamp = start + spacing * static_cast<std::int64_t>(i);
    r.provider = table.provider;
    r.model = table.model;
    r.organization_id = "org-" + std::to_string(random.below(10));
    if (random.below(4) != 0) r.project_id = "project-" + std::to_string(random.below(20));
    r.user_id = "user-" + std::to_string(random.below(100));
    r.tokens.prompt = 200 + random.below(20'000);
    r.tokens.completion = 50 + random.below(4'000);
    if (random.below(3) == 0) r.tokens.cache_read = random.below(r.tokens.prompt / 2);
    if (random.below(8) == 0) r.tokens.cache_write = random.below(r.tokens.prompt / 4);
    if (table.model == "o1") r.tokens.reasoning = random.below(r.tokens.completion);
    r.total_tokens = r.tokens.prompt + r.tokens.completion;
    r.latency_ms = 300 + random.below(5000);
    r.tags = {"env:production", random.below(2) ? "team:search" : "team:support"};
    records.push_back(std::move(r));
  }
  return records;
}

std::vector<CostRecord> synthetic_costs(std::size_t count, std::uint64_t seed, Timestamp start,
                                        std::chrono::milliseconds spacing) {
  std::vector<CompiledPricing> compiled;
  for (const PricingTable& t : workload_price_tables())
    compiled.push_back(CompiledPricing::compile(t));
  std::vector<CostRecord> costs;
  costs.reserve(count);
  for (const UsageRecord& u : synthetic_usage(count, seed, start, spacing)) {
    for (const CompiledPricing& p : compiled) {
      if (p.table().model == u.model) {
        costs.push_back(make_cost_record(u, p, u.timestamp));
        break;
      }
    }
  }
  return costs;
}

std::string usage_json_payload(std::size_t bytes, std::uint64_t seed) {
  std::string out;
  out.reserve(bytes + 1024);
  std::size_t batch = 0;
  while (out.size() < bytes) {
    for (const UsageRecord& r : synthetic_usage(
             256, seed + batch, parse_timestamp("2025-01-01T00:00:00Z"), std::chrono::seconds(7))) {
      out += boost::json::serialize(usage_to_json(r));
      out += '\n';
      if (out.size() >= bytes) break;
    }
    ++batch;
  }
  out.resize(bytes);
  return out;
}

}  // namespace costops::workloads

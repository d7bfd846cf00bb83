// Deterministic, representative inputs for the first-party targets: the
// same seed gives the same records on every machine, so results compare.
#pragma once

#include <costops/core/domain.hpp>
#include <costops/core/pricing.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace costops::workloads {

// splitmix64: small, fast, and identical everywhere (std distributions are
// not specified bit-for-bit across standard libraries).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

// The models the synthetic traffic uses, with their reference prices.
const std::vector<core::PricingTable>& workload_price_tables();

// `count` usage records from `start`, `spacing` apart, over 8 models of 5
// providers, 10 organizations and 20 projects, with cache and reasoning
// tokens on a realistic share of requests.
std::vector<core::UsageRecord> synthetic_usage(std::size_t count, std::uint64_t seed,
                                               core::Timestamp start,
                                               std::chrono::milliseconds spacing);

// The same records priced with their reference tables.
std::vector<core::CostRecord> synthetic_costs(std::size_t count, std::uint64_t seed,
                                              core::Timestamp start,
                                              std::chrono::milliseconds spacing);

// About `bytes` of realistic usage-record JSON (one object per line), cut at
// exactly `bytes`.
std::string usage_json_payload(std::size_t bytes, std::uint64_t seed);

}  // namespace costops::workloads

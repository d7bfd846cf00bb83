// An example third-party cost-ops plugin in C++17 on the helper header
// <costops/bench_target_v1.hpp>. docs/plugin-authors.md walks through it.
//
//   example_cpp_total_tokens_<n>  a family: total the tokens of n usage
//                                 records (n = 1,000, 10,000, 100,000),
//                                 verified against a closed form
//   example_cpp_cheapest_model    a plain target: pick the cheapest of a
//                                 price list for one request
//   example_cpp_sort_costs        sort 1,000 request costs; each iteration
//                                 restores the unsorted input with the
//                                 host's clock paused (ABI 1.3)
#include <costops/bench_target_v1.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#ifndef EXAMPLE_PLUGIN_VERSION
#define EXAMPLE_PLUGIN_VERSION "0.0.0"
#endif

using namespace costops::bench;

namespace {

// One object per target run: the constructor is setup (untimed), run() is
// timed, teardown() verifies. The argument is the family member's n.
class TotalTokens {
 public:
  TotalTokens(Host& host, std::int64_t n) : tokens_(static_cast<std::size_t>(n)) {
    std::iota(tokens_.begin(), tokens_.end(), std::uint64_t{1});  // 1, 2, ..., n
    host.set_items_per_operation(static_cast<std::uint64_t>(n));
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      clobber_memory();  // the records "may have changed": no hoisting
      total_ = std::accumulate(tokens_.begin(), tokens_.end(), std::uint64_t{0});
      do_not_optimize(total_);  // the total "is used": no deleting
    }
  }
  void teardown() {  // a benchmark of wrong code is worthless
    const std::uint64_t n = tokens_.size();
    if (total_ != n * (n + 1) / 2) throw VerificationError("token total is not n(n+1)/2");
  }

 private:
  std::vector<std::uint64_t> tokens_;
  std::uint64_t total_ = 0;
};

// Picodollars per token for input and output, per model.
struct Price {
  std::uint64_t input;
  std::uint64_t output;
};
constexpr std::array<Price, 4> kPrices = {
    {{2500000, 10000000}, {150000, 600000}, {3000000, 15000000}, {800000, 4000000}}};

class CheapestModel {
 public:
  explicit CheapestModel(Host& host) : host_(host) {
    if (cheapest(1000, 1000) != 750000000) throw VerificationError("wrong cheapest price");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) do_not_optimize(cheapest(1200 + i % 7, 300));
  }
  // A Host& member is safe: it lives exactly as long as this object.
  void teardown() { host_.report("models_compared", static_cast<double>(kPrices.size())); }

 private:
  static std::uint64_t cheapest(std::uint64_t input_tokens, std::uint64_t output_tokens) {
    std::uint64_t best = UINT64_MAX;
    for (const Price& p : kPrices)
      best = std::min(best, input_tokens * p.input + output_tokens * p.output);
    return best;
  }
  Host& host_;
};

// Per-iteration setup that is not the operation: sorting needs unsorted
// input every time, so the copy back happens in an UntimedScope (the host's
// clock pauses; the pair of clock reads it costs is far below the sort).
class SortCosts {
 public:
  explicit SortCosts(Host& host) : host_(host), unsorted_(1000) {
    std::uint64_t seed = 12345;
    for (std::uint64_t& cost : unsorted_) cost = (seed = seed * 6364136223846793005u + 1) >> 40;
    host.set_items_per_operation(unsorted_.size());
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      {
        UntimedScope untimed(host_);
        costs_ = unsorted_;
      }
      std::sort(costs_.begin(), costs_.end());
      do_not_optimize(costs_.data());
    }
  }
  void teardown() {
    if (!std::is_sorted(costs_.begin(), costs_.end())) throw VerificationError("not sorted");
  }

 private:
  Host& host_;
  std::vector<std::uint64_t> unsorted_, costs_;
};

constexpr std::int64_t kRecordCounts[] = {1000, 10000, 100000};

const bench_target_v1 kTargets[] = {
    make_family<TotalTokens>("example_cpp_total_tokens", "total the tokens of n usage records",
                             kRecordCounts, "records"),
    make_target<CheapestModel>("example_cpp_cheapest_model",
                               "pick the cheapest of 4 models for one request"),
    make_target<SortCosts>("example_cpp_sort_costs", "sort 1,000 request costs"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("example-cpp-token-totals", EXAMPLE_PLUGIN_VERSION, kTargets)

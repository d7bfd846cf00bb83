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
//   example_cpp_bill_<c>_<n>      a product family (ABI 1.4): sum n request
//                                 costs into the bills of c customers, for
//                                 c = 10, 1,000 and n = 1,000, 10,000
//   example_cpp_price_lookup_t<k> look models up in one shared price table
//                                 on k = 1, 2, 4 threads at once (ABI 1.4);
//                                 hits per operation and lookups per second
//                                 are counters
//   example_cpp_dedupe_requests   drop repeated request ids; reset() empties
//                                 the set of seen ids between batches (ABI 1.2)
#include <costops/bench_target_v1.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

// Two parameters (Targets::add_product): the constructor gets both. The
// bills live in a hash map rebuilt every operation, so the host's allocation
// count shows one node per customer.
class Bill {
 public:
  Bill(Host& host, std::int64_t customers, std::int64_t records)
      : customers_(static_cast<std::uint64_t>(customers)),
        costs_(static_cast<std::size_t>(records)) {
    std::uint64_t seed = 12345;
    for (std::uint64_t& cost : costs_) cost = (seed = seed * 6364136223846793005u + 1) >> 40;
    host.set_items_per_operation(costs_.size());
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      bills_.clear();
      for (std::size_t r = 0; r < costs_.size(); ++r) bills_[r % customers_] += costs_[r];
      do_not_optimize(bills_);
    }
  }
  void teardown() {
    if (bills_.size() != std::min<std::size_t>(customers_, costs_.size()))
      throw VerificationError("a customer has no bill");
  }

 private:
  std::uint64_t customers_;
  std::vector<std::uint64_t> costs_;
  std::unordered_map<std::uint64_t, std::uint64_t> bills_;
};

// run_thread on k threads at once (with_threads): the table is shared and
// only read; each thread writes its own slot. The counters are totals over
// every call, reported once from teardown (never from run_thread).
class PriceLookup {
 public:
  explicit PriceLookup(Host& host) : host_(host), slots_(host.threads()) {
    const char* models[] = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro"};
    for (std::size_t m = 0; m < std::size(models); ++m) table_[models[m]] = kPrices[m];
    for (std::size_t q = 0; q < 64; ++q)  // one in eight asks for a model the table lacks
      queries_.push_back(q % 8 == 7 ? "unknown-model" : models[q % std::size(models)]);
    host.set_items_per_operation(queries_.size());
  }
  void run_thread(std::uint32_t thread_index, std::uint64_t iterations) {
    Slot& mine = slots_.at(thread_index);
    for (std::uint64_t i = 0; i < iterations; ++i)
      for (const std::string& model : queries_) {
        const auto found = table_.find(model);
        mine.hits += found != table_.end();
        do_not_optimize(found);
      }
    mine.lookups += iterations * queries_.size();
  }
  void teardown() {
    Slot total;
    for (const Slot& s : slots_) total.hits += s.hits, total.lookups += s.lookups;
    if (total.hits * 8 != total.lookups * 7) throw VerificationError("a known model was missed");
    host_.report_counter("hits", static_cast<double>(total.hits), kCounterAvgIterations);
    host_.report_counter("lookups", static_cast<double>(total.lookups), kCounterRate);
  }

 private:
  struct alignas(64) Slot {  // a cache line per thread: no false sharing
    std::uint64_t hits = 0, lookups = 0;
  };
  Host& host_;
  std::unordered_map<std::string, Price> table_;
  std::vector<std::string> queries_;
  std::vector<Slot> slots_;
};

// State that grows: every request id arrives twice in a row (a client's
// retry), and an id once seen stays a duplicate, so without reset() later
// batches would find only duplicates and measure other work.
class DedupeRequests {
 public:
  explicit DedupeRequests(Host&) {}
  void run(std::uint64_t iterations) {
    batches_ += iterations > 0;
    for (std::uint64_t i = 0; i < iterations; ++i, ++requests_) {
      const std::uint64_t id = (next_++ / 2) * 0x9E3779B97F4A7C15u;  // spread over the hash
      fresh_ += seen_.insert(id).second;
    }
  }
  void reset() {  // untimed, after every batch: no id seen yet
    seen_.clear();
    next_ = 0;
  }
  void teardown() {  // each batch of n requests holds ceil(n / 2) fresh ids
    if (2 * fresh_ < requests_ || 2 * fresh_ - requests_ > batches_)
      throw VerificationError("a retried request id was not recognised");
  }

 private:
  std::unordered_set<std::uint64_t> seen_;
  std::uint64_t next_ = 0, requests_ = 0, fresh_ = 0, batches_ = 0;
};

constexpr std::int64_t kRecordCounts[] = {1000, 10000, 100000};
constexpr std::int64_t kCustomers[] = {10, 1000};
constexpr std::int64_t kBilledRecords[] = {1000, 10000};

// A list built at load time (COSTOPS_BENCH_PLUGIN_TARGETS): a product family
// has ids no static array can spell.
Targets targets() {
  Targets list;
  list.add(make_family<TotalTokens>("example_cpp_total_tokens",
                                    "total the tokens of n usage records", kRecordCounts,
                                    "records"))
      .add(make_target<CheapestModel>("example_cpp_cheapest_model",
                                      "pick the cheapest of 4 models for one request"))
      .add(make_target<SortCosts>("example_cpp_sort_costs", "sort 1,000 request costs"))
      .add_product<Bill>("example_cpp_bill", "bill n request costs to c customers", kCustomers,
                         kBilledRecords, "records")
      .add(with_threads(make_target<PriceLookup>("example_cpp_price_lookup",
                                                 "look up 64 models in a shared price table"),
                        1, 4))
      .add(
          make_target<DedupeRequests>("example_cpp_dedupe_requests", "drop a repeated request id"));
  return list;
}

}  // namespace

COSTOPS_BENCH_PLUGIN_TARGETS("example-cpp-token-totals", EXAMPLE_PLUGIN_VERSION, targets)

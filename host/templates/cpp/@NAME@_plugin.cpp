// @NAME@: cost-ops benchmark targets in C++17 (made by `cost-ops new-plugin`).
//
//   @NAME@_sum_<n>   a family: sum n integers (n = 1,000, 10,000, 100,000)
//   @NAME@_checksum  a plain target: FNV-1a over 4 KiB
//
// The constructor is setup (untimed), run() is timed by the host, teardown()
// checks the answer. Replace the work with yours; keep the checks.
#include <costops/bench_target_v1.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

using namespace costops::bench;

namespace {

class Sum {
 public:
  Sum(Host& host, std::int64_t n) : values_(static_cast<std::size_t>(n)) {
    std::iota(values_.begin(), values_.end(), std::uint64_t{1});  // 1, 2, ..., n
    host.set_items_per_operation(static_cast<std::uint64_t>(n));
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      clobber_memory();  // the values "may have changed": no hoisting
      total_ = std::accumulate(values_.begin(), values_.end(), std::uint64_t{0});
      do_not_optimize(total_);  // the total "is used": no deleting
    }
  }
  void teardown() {  // a benchmark of wrong code is worthless
    const std::uint64_t n = values_.size();
    if (total_ != n * (n + 1) / 2) throw VerificationError("the sum is not n(n+1)/2");
  }

 private:
  std::vector<std::uint64_t> values_;
  std::uint64_t total_ = 0;
};

class Checksum {
 public:
  explicit Checksum(Host& host) : bytes_(4096) {
    for (std::size_t i = 0; i < bytes_.size(); ++i) bytes_[i] = static_cast<std::uint8_t>(i + 1);
    host.set_bytes_per_operation(bytes_.size());
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      clobber_memory();
      hash_ = 1469598103934665603u;
      for (std::uint8_t b : bytes_) hash_ = (hash_ ^ b) * 1099511628211u;
      do_not_optimize(hash_);
    }
  }
  void teardown() {
    if (hash_ != 0xb7e9162a108d5383u) throw VerificationError("wrong FNV-1a of bytes 1..4096");
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::uint64_t hash_ = 0;
};

constexpr std::int64_t kSizes[] = {1000, 10000, 100000};
const bench_target_v1 kTargets[] = {
    make_family<Sum>("@NAME@_sum", "sum n integers", kSizes, "n"),
    make_target<Checksum>("@NAME@_checksum", "FNV-1a over 4 KiB"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("@NAME@", PLUGIN_VERSION, kTargets)

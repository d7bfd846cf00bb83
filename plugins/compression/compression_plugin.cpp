// Targets of costops-core's compression: gzip of realistic usage JSON at the
// default level (64 KiB, 1 MiB, 16 MiB) and, for comparison, a bare loop of
// zlib's compress2 on the same bytes at the same level.
#include <zlib.h>
#include <costops/bench_target_v1.hpp>
#include <costops/core/compression.hpp>

#include <string>
#include <vector>

#include "workloads.hpp"

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;

template <std::size_t Bytes>
class GzipPayload {
 public:
  explicit GzipPayload(Host& host)
      : payload_(costops::workloads::usage_json_payload(Bytes, 99)),
        compressor_(CompressionFormat::gzip) {
    const CompressionStats stats = compressor_.compress(as_bytes(payload_), output_);
    const auto back = decompress(output_, CompressionFormat::gzip);
    if (back.size() != payload_.size() ||
        std::string_view(reinterpret_cast<const char*>(back.data()), back.size()) != payload_)
      throw VerificationError("gzip round trip changed the data");
    host.set_bytes_per_operation(Bytes);
    host.report("uncompressed_size_bytes", static_cast<double>(Bytes));
    host.report("compressed_size_bytes", static_cast<double>(stats.compressed_bytes));
    host.report("compression_ratio", stats.ratio());
    host.report("level", "zlib default (6)");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      compressor_.compress(as_bytes(payload_), output_);
      costops::bench::do_not_optimize(output_);
    }
  }

 private:
  std::string payload_;
  Compressor compressor_;
  std::vector<std::byte> output_;
};

// zlib's own one-call API on the same 1 MiB at the same level: the library's
// limit, which the Compressor should match (gzip framing aside).
class BareCompress2 {
 public:
  explicit BareCompress2(Host& host)
      : payload_(costops::workloads::usage_json_payload(1 << 20, 99)) {
    output_.resize(compressBound(static_cast<uLong>(payload_.size())));
    if (compress_once() == 0) throw VerificationError("compress2 failed");
    host.set_bytes_per_operation(payload_.size());
    host.report("uncompressed_size_bytes", static_cast<double>(payload_.size()));
    host.report("level", "zlib default (6)");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      uLongf size = compress_once();
      costops::bench::do_not_optimize(size);
    }
  }

 private:
  uLongf compress_once() {
    uLongf size = static_cast<uLongf>(output_.size());
    if (compress2(output_.data(), &size, reinterpret_cast<const Bytef*>(payload_.data()),
                  static_cast<uLong>(payload_.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
      return 0;
    return size;
  }
  std::string payload_;
  std::vector<Bytef> output_;
};

using costops::bench::make_target;

const bench_target_v1 kTargets[] = {
    make_target<GzipPayload<(1 << 20)>>("compression",
                                        "gzip 1 MiB of usage-record JSON at the default level"),
    make_target<GzipPayload<(64 << 10)>>("compression_65536", "gzip 64 KiB of usage-record JSON"),
    make_target<GzipPayload<(1 << 20)>>("compression_1048576", "gzip 1 MiB of usage-record JSON"),
    make_target<GzipPayload<(16 << 20)>>("compression_16777216",
                                         "gzip 16 MiB of usage-record JSON"),
    make_target<BareCompress2>("compression_zlib_compress2_floor",
                               "zlib compress2 on the same 1 MiB at the same level (comparison)"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-compression", "0.1.0", kTargets)

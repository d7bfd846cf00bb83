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

class GzipPayload {
 public:
  GzipPayload(Host& host, std::int64_t bytes)
      : payload_(costops::workloads::usage_json_payload(static_cast<std::size_t>(bytes), 99)),
        compressor_(CompressionFormat::gzip) {
    compressor_.compress(as_bytes(payload_));
    const CompressionStats stats = compressor_.stats();
    const auto back = decompress(compressor_.compress(as_bytes(payload_)), CompressionFormat::gzip);
    if (back.size() != payload_.size() ||
        std::string_view(reinterpret_cast<const char*>(back.data()), back.size()) != payload_)
      throw VerificationError("gzip round trip changed the data");
    host.set_bytes_per_operation(static_cast<std::size_t>(bytes));
    host.report("uncompressed_size_bytes", static_cast<double>(bytes));
    host.report("compressed_size_bytes", static_cast<double>(stats.compressed_bytes));
    host.report("compression_ratio", stats.ratio());
    host.report("level", "zlib default (6)");
    if (bytes == (1 << 20)) {
      // The speed goal: at least 95% of bare zlib's speed on the same 1 MiB.
      host.report("yardstick_target", "compression_zlib_gzip_floor");
      host.report("yardstick_goal_ratio", 1 / 0.95);
    }
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      std::span<const std::byte> packed = compressor_.compress(as_bytes(payload_));
      costops::bench::do_not_optimize(packed);
    }
  }

 private:
  std::string payload_;
  Compressor compressor_;
};

// The headline target: the family's member at (1 << 20).
class GzipPayloadDefault : public GzipPayload {
 public:
  explicit GzipPayloadDefault(Host& host) : GzipPayload(host, (1 << 20)) {}
};

// zlib used bare on the same 1 MiB at the same level: the library's own
// limit. Gzip is the like-for-like floor of the gzip targets (gzip's CRC-32
// costs more than zlib's Adler-32); compress2 (zlib format) is shown too.
template <bool Gzip>
class BareZlib {
 public:
  explicit BareZlib(Host& host) : payload_(costops::workloads::usage_json_payload(1 << 20, 99)) {
    output_.resize(compressBound(static_cast<uLong>(payload_.size())) + 64);
    if (compress_once() == 0) throw VerificationError("zlib failed");
    host.set_bytes_per_operation(payload_.size());
    host.report("uncompressed_size_bytes", static_cast<double>(payload_.size()));
    host.report("level", "zlib default (6)");
    host.report("api", Gzip ? "deflateInit2(gzip) + deflate + deflateEnd" : "compress2");
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      uLong size = compress_once();
      costops::bench::do_not_optimize(size);
    }
  }

 private:
  uLong compress_once() {
    const auto* in = reinterpret_cast<const Bytef*>(payload_.data());
    if constexpr (Gzip) {
      z_stream s{};
      if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK)
        return 0;
      s.next_in = const_cast<Bytef*>(in);
      s.avail_in = static_cast<uInt>(payload_.size());
      s.next_out = output_.data();
      s.avail_out = static_cast<uInt>(output_.size());
      const int rc = deflate(&s, Z_FINISH);
      const uLong size = s.total_out;
      deflateEnd(&s);
      return rc == Z_STREAM_END ? size : 0;
    } else {
      uLongf size = static_cast<uLongf>(output_.size());
      return compress2(output_.data(), &size, in, static_cast<uLong>(payload_.size()),
                       Z_DEFAULT_COMPRESSION) == Z_OK
                 ? size
                 : 0;
    }
  }
  std::string payload_;
  std::vector<Bytef> output_;
};

using costops::bench::make_family;
using costops::bench::make_target;

constexpr std::int64_t kPayloadSizes[] = {64 << 10, 1 << 20, 16 << 20};

const bench_target_v1 kTargets[] = {
    make_target<GzipPayloadDefault>("compression",
                                    "gzip 1 MiB of usage-record JSON at the default level"),
    make_family<GzipPayload>("compression", "gzip N bytes of usage-record JSON", kPayloadSizes,
                             "bytes"),
    make_target<BareZlib<true>>(
        "compression_zlib_gzip_floor",
        "bare zlib deflate with gzip framing on the same 1 MiB at the same level (comparison)"),
    make_target<BareZlib<false>>(
        "compression_zlib_compress2_floor",
        "zlib compress2 (zlib framing) on the same 1 MiB at the same level (comparison)"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-compression", COSTOPS_FIRST_PARTY_VERSION, kTargets)

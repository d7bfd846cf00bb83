// Compression through zlib: gzip (RFC 1952), zlib (RFC 1950), raw deflate
// (RFC 1951) and identity, with levels, one-shot and streaming.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace costops::core {

class CompressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CompressionFormat { gzip, zlib, raw_deflate, identity };

std::string_view format_name(CompressionFormat format);
// "gzip"/"x-gzip", "zlib"/"deflate" (HTTP's deflate is zlib-wrapped), "raw",
// "identity". Throws CompressionError for anything else.
CompressionFormat parse_compression_format(std::string_view name);

inline constexpr int kDefaultCompressionLevel = -1;  // zlib's default (6)

// zlib counts bytes in 32-bit integers (uInt), so every call hands it at
// most this many bytes of input and of output space: spans of 4 GiB or more
// are fed in pieces (once they were silently truncated). The functions that
// take a `zlib_chunk_limit` use this by default; tests pass a few bytes to
// exercise the piecing without allocating 4 GiB. A limit of 0 is an error.
inline constexpr std::size_t kZlibChunkLimit = std::size_t(1) << 30;

struct CompressionStats {
  std::uint64_t original_bytes = 0;
  std::uint64_t compressed_bytes = 0;
  // compressed / original (1 when original is 0); below 1 means smaller.
  double ratio() const {
    return original_bytes
               ? static_cast<double>(compressed_bytes) / static_cast<double>(original_bytes)
               : 1.0;
  }
  // Percentage saved, (1 - ratio) * 100; negative when the output grew.
  double percent_saved() const { return (1.0 - ratio()) * 100.0; }
};

// A reusable compressor: keeps zlib's state between calls (deflateReset is
// far cheaper than deflateInit's allocation), so repeated calls cost only
// the compression itself. Not thread-safe; one per thread.
class Compressor {
 public:
  // level: -1 (default) or 0..9. Throws CompressionError otherwise.
  explicit Compressor(CompressionFormat format, int level = kDefaultCompressionLevel,
                      std::size_t zlib_chunk_limit = kZlibChunkLimit);
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Compresses `input`; the result stays valid until the next call. The
  // output buffer is reused and never zero-filled (a std::vector would
  // clear a megabyte per call). stats() describes the last call.
  std::span<const std::byte> compress(std::span<const std::byte> input);
  const CompressionStats& stats() const;

  // Streaming: feed any number of chunks, then finish. `sink` receives output.
  using Sink = std::function<void(std::span<const std::byte>)>;
  void write(std::span<const std::byte> chunk, const Sink& sink);
  CompressionStats finish(const Sink& sink);

  CompressionFormat format() const { return format_; }

 private:
  struct State;
  CompressionFormat format_;
  std::unique_ptr<State> state_;
};

// One-shot helpers.
std::vector<std::byte> compress(std::span<const std::byte> input, CompressionFormat format,
                                int level = kDefaultCompressionLevel,
                                std::size_t zlib_chunk_limit = kZlibChunkLimit);
// Throws CompressionError("corrupt gzip data: ...") on damaged or truncated
// input, on any bytes after the end of the stream, and when the output
// would exceed max_output_bytes. gzip input may hold several members (RFC
// 1952 section 2.2); the result is their concatenation.
std::vector<std::byte> decompress(std::span<const std::byte> input, CompressionFormat format,
                                  std::size_t max_output_bytes = std::size_t(1) << 32,
                                  std::size_t zlib_chunk_limit = kZlibChunkLimit);

// Streams from `in` to `out` in fixed-size chunks, for inputs larger than
// memory. Returns the stats. decompress_stream reads to the end of `in` and
// refuses what decompress refuses, trailing bytes included.
CompressionStats compress_stream(std::istream& in, std::ostream& out, CompressionFormat format,
                                 int level = kDefaultCompressionLevel,
                                 std::size_t chunk_bytes = 1 << 16);
CompressionStats decompress_stream(std::istream& in, std::ostream& out, CompressionFormat format,
                                   std::size_t chunk_bytes = 1 << 16);

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

}  // namespace costops::core

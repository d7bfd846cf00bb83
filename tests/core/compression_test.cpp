#include "costops/core/compression.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <sstream>
#include <string>

using namespace costops::core;

namespace {

std::string sample_json(std::size_t bytes) {
  std::string text;
  for (int i = 0; text.size() < bytes; ++i)
    text += "{\"id\":\"u-" + std::to_string(i) +
            "\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
            "\"prompt_tokens\":" +
            std::to_string(1000 + i % 977) +
            ",\"completion_tokens\":" + std::to_string(200 + i % 131) + "}\n";
  text.resize(bytes);
  return text;
}

std::string to_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

TEST_CASE("every format round trips at every level") {
  const std::string text = sample_json(100'000);
  for (auto format : {CompressionFormat::gzip, CompressionFormat::zlib,
                      CompressionFormat::raw_deflate, CompressionFormat::identity}) {
    for (int level : {kDefaultCompressionLevel, 0, 1, 9}) {
      CAPTURE(format_name(format));
      CAPTURE(level);
      const auto packed = compress(as_bytes(text), format, level);
      CHECK(to_string(decompress(packed, format)) == text);
      if (format != CompressionFormat::identity && level != 0)
        CHECK(packed.size() < text.size() / 3);
    }
  }
}

TEST_CASE("gzip output has the RFC 1952 magic and zlib's own inflater reads it") {
  const std::string text = sample_json(10'000);
  const auto packed = compress(as_bytes(text), CompressionFormat::gzip);
  REQUIRE(packed.size() > 2);
  CHECK(packed[0] == std::byte{0x1f});
  CHECK(packed[1] == std::byte{0x8b});
  // zlib's compress2 output (zlib format) decompresses with our zlib reader.
  std::vector<Bytef> z(compressBound(static_cast<uLong>(text.size())));
  uLongf z_size = static_cast<uLongf>(z.size());
  REQUIRE(compress2(z.data(), &z_size, reinterpret_cast<const Bytef*>(text.data()),
                    static_cast<uLong>(text.size()), 6) == Z_OK);
  const auto z_bytes = std::as_bytes(std::span<const Bytef>(z.data(), z_size));
  CHECK(to_string(decompress(z_bytes, CompressionFormat::zlib)) == text);
}

TEST_CASE("a reused compressor gives the same bytes as a fresh one") {
  const std::string a = sample_json(50'000), b = sample_json(70'000);
  Compressor reused(CompressionFormat::gzip);
  reused.compress(as_bytes(a));
  const auto packed = reused.compress(as_bytes(b));
  const std::vector<std::byte> out(packed.begin(), packed.end());
  const CompressionStats stats = reused.stats();
  CHECK(out == compress(as_bytes(b), CompressionFormat::gzip));
  CHECK(stats.original_bytes == 70'000);
  CHECK(stats.compressed_bytes == out.size());
  CHECK(stats.ratio() < 0.3);
  CHECK(stats.percent_saved() > 70);
}

TEST_CASE("streaming handles input larger than its buffers") {
  const std::string text = sample_json(3'000'000);
  std::istringstream in(text);
  std::ostringstream packed;
  const CompressionStats stats = compress_stream(in, packed, CompressionFormat::gzip, 6, 4096);
  CHECK(stats.original_bytes == text.size());
  CHECK(stats.compressed_bytes == packed.str().size());
  std::istringstream packed_in(packed.str());
  std::ostringstream unpacked;
  decompress_stream(packed_in, unpacked, CompressionFormat::gzip, 1000);
  CHECK(unpacked.str() == text);
  // The one-shot reader agrees with the streamed writer.
  CHECK(to_string(decompress(as_bytes(packed.str()), CompressionFormat::gzip)) == text);
}

TEST_CASE("corrupt, truncated and oversized input is a clear error") {
  const std::string text = sample_json(20'000);
  auto packed = compress(as_bytes(text), CompressionFormat::gzip);
  auto damaged = packed;
  damaged[damaged.size() / 2] ^= std::byte{0xff};
  CHECK_THROWS_WITH_AS(decompress(damaged, CompressionFormat::gzip),
                       doctest::Contains("corrupt gzip data"), CompressionError);
  const std::vector<std::byte> truncated(
      packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(packed.size() / 2));
  CHECK_THROWS_WITH_AS(decompress(truncated, CompressionFormat::gzip),
                       doctest::Contains("truncated"), CompressionError);
  CHECK_THROWS_AS(decompress(as_bytes("not compressed at all"), CompressionFormat::zlib),
                  CompressionError);
  CHECK_THROWS_WITH_AS(decompress(packed, CompressionFormat::gzip, 1000),
                       doctest::Contains("limit"), CompressionError);
  auto trailing = packed;
  trailing.push_back(std::byte{0});
  CHECK_THROWS_WITH_AS(decompress(trailing, CompressionFormat::gzip),
                       doctest::Contains("after the end"), CompressionError);
  std::istringstream bad_stream(
      std::string(reinterpret_cast<const char*>(truncated.data()), truncated.size()));
  std::ostringstream sink;
  CHECK_THROWS_AS(decompress_stream(bad_stream, sink, CompressionFormat::gzip), CompressionError);
}

TEST_CASE("levels and names are checked") {
  CHECK_THROWS_WITH_AS(Compressor(CompressionFormat::gzip, 10), doctest::Contains("level 10"),
                       CompressionError);
  CHECK(parse_compression_format("deflate") == CompressionFormat::zlib);
  CHECK(parse_compression_format("x-gzip") == CompressionFormat::gzip);
  CHECK_THROWS_AS(parse_compression_format("brotli"), CompressionError);
  CHECK(CompressionStats{0, 0}.ratio() == 1.0);
}

TEST_CASE("zlib is fed in pieces no larger than its 32-bit counters allow") {
  // Inputs of 4 GiB or more once went to zlib whole, truncated to 32 bits.
  // A 7-byte piece limit runs the same piecing on a small input: the output
  // must be byte for byte the output of one piece, and must round trip.
  CHECK(kZlibChunkLimit <= std::size_t(UINT32_MAX));
  const std::string text = sample_json(50'000);
  constexpr std::size_t kTinyPieces = 7;
  for (auto format :
       {CompressionFormat::gzip, CompressionFormat::zlib, CompressionFormat::raw_deflate}) {
    CAPTURE(format_name(format));
    const auto whole = compress(as_bytes(text), format);
    const auto pieced = compress(as_bytes(text), format, kDefaultCompressionLevel, kTinyPieces);
    CHECK(pieced == whole);
    CHECK(to_string(decompress(whole, format, std::size_t(1) << 32, kTinyPieces)) == text);
    for (int level : {0, 1, 9}) {
      CAPTURE(level);
      const auto packed = compress(as_bytes(text), format, level, kTinyPieces);
      CHECK(to_string(decompress(packed, format, std::size_t(1) << 32, kTinyPieces)) == text);
    }
    // The streaming writer pieces each chunk too.
    Compressor streaming(format, kDefaultCompressionLevel, kTinyPieces);
    std::string streamed;
    const Compressor::Sink sink = [&](std::span<const std::byte> bytes) {
      streamed.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    };
    streaming.write(as_bytes(std::string_view(text).substr(0, 30'000)), sink);
    streaming.write(as_bytes(std::string_view(text).substr(30'000)), sink);
    const CompressionStats stats = streaming.finish(sink);
    CHECK(stats.original_bytes == text.size());
    CHECK(stats.compressed_bytes == streamed.size());
    CHECK(to_string(decompress(as_bytes(streamed), format)) == text);
  }
  CHECK_THROWS_AS(compress(as_bytes(text), CompressionFormat::gzip, 6, 0), CompressionError);
}

TEST_CASE("gzip with several members (RFC 1952) decompresses to their concatenation") {
  const std::string first = sample_json(3000), second = "second member\n";
  std::string joined = to_string(compress(as_bytes(first), CompressionFormat::gzip)) +
                       to_string(compress(as_bytes(second), CompressionFormat::gzip));
  CHECK(to_string(decompress(as_bytes(joined), CompressionFormat::gzip)) == first + second);
  for (std::size_t chunk : {std::size_t(1), std::size_t(5), std::size_t(64), joined.size()}) {
    CAPTURE(chunk);
    std::istringstream in(joined);
    std::ostringstream out;
    const auto stats = decompress_stream(in, out, CompressionFormat::gzip, chunk);
    CHECK(out.str() == first + second);
    CHECK(stats.compressed_bytes == joined.size());
  }
  // zlib (RFC 1950) has one stream only: a second one is trailing data.
  const std::string two_zlib = to_string(compress(as_bytes(first), CompressionFormat::zlib)) +
                               to_string(compress(as_bytes(second), CompressionFormat::zlib));
  CHECK_THROWS_WITH_AS(decompress(as_bytes(two_zlib), CompressionFormat::zlib),
                       doctest::Contains("after the end"), CompressionError);
}

TEST_CASE("trailing bytes are refused by one-shot and streaming decompression alike") {
  const std::string text = sample_json(2000);
  for (auto format :
       {CompressionFormat::gzip, CompressionFormat::zlib, CompressionFormat::raw_deflate}) {
    CAPTURE(format_name(format));
    const std::string packed = to_string(compress(as_bytes(text), format));
    const std::string damaged = packed + "garbage!";
    CHECK_THROWS_AS(decompress(as_bytes(damaged), format), CompressionError);
    // Chunk sizes that end exactly at the end of the stream, and others.
    for (std::size_t chunk : {packed.size(), packed.size() / 2, std::size_t(3)}) {
      CAPTURE(chunk);
      std::istringstream in(damaged);
      std::ostringstream out;
      CHECK_THROWS_AS(decompress_stream(in, out, format, chunk), CompressionError);
    }
  }
}

// zlib ends a stream with Z_STREAM_END (1), on a call that may move no byte
// when the output piece is tiny; one-shot compress once called that "zlib
// error 1" at a limit of 1 for every format (even for empty input) and for
// gzip of "hello world" at 3 and 7. Every limit from 1 up, on inputs just
// below, at and above a multiple of the limit (the shape of an input near
// the 1 GiB default, scaled down), must give the bytes of one whole piece.
TEST_CASE("one-shot compression at every small piece limit and around its multiples") {
  const std::string text = sample_json(300);
  for (auto format :
       {CompressionFormat::gzip, CompressionFormat::zlib, CompressionFormat::raw_deflate}) {
    CAPTURE(format_name(format));
    for (std::size_t limit = 1; limit <= 17; ++limit) {
      CAPTURE(limit);
      std::vector<std::size_t> sizes{0, 1, 11, text.size()};
      for (std::size_t k : {std::size_t(1), std::size_t(2), std::size_t(9)})
        for (std::size_t size : {k * limit - 1, k * limit, k * limit + 1}) sizes.push_back(size);
      for (std::size_t size : sizes) {
        CAPTURE(size);
        const std::string_view input =
            size == 11 ? std::string_view("hello world") : std::string_view(text).substr(0, size);
        for (int level : {kDefaultCompressionLevel, 0, 9}) {
          CAPTURE(level);
          const auto whole = compress(as_bytes(input), format, level);
          std::vector<std::byte> pieced;
          REQUIRE_NOTHROW(pieced = compress(as_bytes(input), format, level, limit));
          CHECK(pieced == whole);
          CHECK(to_string(decompress(pieced, format, std::size_t(1) << 32, limit)) == input);
        }
      }
      // A reused compressor at that limit too (its output buffer persists).
      Compressor compressor(format, kDefaultCompressionLevel, limit);
      for (std::string_view input : {std::string_view(), std::string_view("hello world"),
                                     std::string_view(text), std::string_view()}) {
        const auto packed = compressor.compress(as_bytes(input));
        CHECK(to_string(decompress(std::vector<std::byte>(packed.begin(), packed.end()), format)) ==
              input);
      }
    }
  }
}

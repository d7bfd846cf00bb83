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

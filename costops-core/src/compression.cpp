#include "costops/core/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <istream>
#include <ostream>

namespace costops::core {

namespace {

int window_bits(CompressionFormat format) {
  switch (format) {
    case CompressionFormat::gzip:
      return 15 + 16;
    case CompressionFormat::zlib:
      return 15;
    case CompressionFormat::raw_deflate:
      return -15;
    case CompressionFormat::identity:
      return 0;
  }
  return 15;
}

std::string zlib_message(const z_stream& stream, int code) {
  if (stream.msg != nullptr) return stream.msg;
  switch (code) {
    case Z_DATA_ERROR:
      return "invalid or damaged data";
    case Z_BUF_ERROR:
      return "the data ends too early (truncated)";
    case Z_MEM_ERROR:
      return "out of memory";
    case Z_STREAM_ERROR:
      return "invalid stream state";
    default:
      return "zlib error " + std::to_string(code);
  }
}

Bytef* to_zlib(const std::byte* p) {
  return reinterpret_cast<Bytef*>(const_cast<std::byte*>(p));
}

}  // namespace

std::string_view format_name(CompressionFormat format) {
  switch (format) {
    case CompressionFormat::gzip:
      return "gzip";
    case CompressionFormat::zlib:
      return "zlib";
    case CompressionFormat::raw_deflate:
      return "raw_deflate";
    case CompressionFormat::identity:
      return "identity";
  }
  return "identity";
}

CompressionFormat parse_compression_format(std::string_view name) {
  if (name == "gzip" || name == "x-gzip") return CompressionFormat::gzip;
  if (name == "zlib" || name == "deflate") return CompressionFormat::zlib;
  if (name == "raw" || name == "raw_deflate") return CompressionFormat::raw_deflate;
  if (name == "identity") return CompressionFormat::identity;
  throw CompressionError("unknown compression format \"" + std::string(name) +
                         "\"; expected gzip, zlib (deflate), raw_deflate or identity");
}

struct Compressor::State {
  z_stream stream{};
  bool initialised = false;
  CompressionStats stats;  // of the stream being written
  CompressionStats last;   // of the last one-shot compress()
  std::vector<std::byte> buffer = std::vector<std::byte>(1 << 16);  // streaming chunks
  std::unique_ptr<std::byte[]> output;  // one-shot results, grown as needed
  std::size_t output_capacity = 0;
};

Compressor::Compressor(CompressionFormat format, int level)
    : format_(format), state_(std::make_unique<State>()) {
  if (level != kDefaultCompressionLevel && (level < 0 || level > 9))
    throw CompressionError("compression level " + std::to_string(level) +
                           " is outside 0..9 (or -1 for the default)");
  if (format == CompressionFormat::identity) return;
  const int rc =
      deflateInit2(&state_->stream, level, Z_DEFLATED, window_bits(format), 8, Z_DEFAULT_STRATEGY);
  if (rc != Z_OK)
    throw CompressionError("cannot start the compressor: " + zlib_message(state_->stream, rc));
  state_->initialised = true;
}

Compressor::~Compressor() {
  if (state_ && state_->initialised) deflateEnd(&state_->stream);
}
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

const CompressionStats& Compressor::stats() const {
  return state_->last;
}

std::span<const std::byte> Compressor::compress(std::span<const std::byte> input) {
  CompressionStats& stats = state_->last;
  stats = {input.size(), input.size()};
  if (format_ == CompressionFormat::identity) return input;
  z_stream& s = state_->stream;
  deflateReset(&s);
  const std::size_t bound = deflateBound(&s, static_cast<uLong>(input.size()));
  if (bound > state_->output_capacity) {
    state_->output.reset(new std::byte[bound]);  // uninitialised on purpose
    state_->output_capacity = bound;
  }
  s.next_in = to_zlib(input.data());
  s.avail_in = static_cast<uInt>(input.size());
  s.next_out = to_zlib(state_->output.get());
  s.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&s, Z_FINISH);
  if (rc != Z_STREAM_END) throw CompressionError("compression failed: " + zlib_message(s, rc));
  stats.compressed_bytes = s.total_out;
  return {state_->output.get(), static_cast<std::size_t>(s.total_out)};
}

void Compressor::write(std::span<const std::byte> chunk, const Sink& sink) {
  state_->stats.original_bytes += chunk.size();
  if (format_ == CompressionFormat::identity) {
    state_->stats.compressed_bytes += chunk.size();
    sink(chunk);
    return;
  }
  z_stream& s = state_->stream;
  s.next_in = to_zlib(chunk.data());
  s.avail_in = static_cast<uInt>(chunk.size());
  while (s.avail_in != 0) {
    s.next_out = to_zlib(state_->buffer.data());
    s.avail_out = static_cast<uInt>(state_->buffer.size());
    const int rc = deflate(&s, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      throw CompressionError("compression failed: " + zlib_message(s, rc));
    const std::size_t produced = state_->buffer.size() - s.avail_out;
    state_->stats.compressed_bytes += produced;
    if (produced) sink({state_->buffer.data(), produced});
  }
}

CompressionStats Compressor::finish(const Sink& sink) {
  if (format_ != CompressionFormat::identity) {
    z_stream& s = state_->stream;
    s.next_in = nullptr;
    s.avail_in = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      s.next_out = to_zlib(state_->buffer.data());
      s.avail_out = static_cast<uInt>(state_->buffer.size());
      rc = deflate(&s, Z_FINISH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        throw CompressionError("compression failed: " + zlib_message(s, rc));
      const std::size_t produced = state_->buffer.size() - s.avail_out;
      state_->stats.compressed_bytes += produced;
      if (produced) sink({state_->buffer.data(), produced});
    }
    deflateReset(&s);
  }
  const CompressionStats stats = state_->stats;
  state_->stats = {};
  return stats;
}

std::vector<std::byte> compress(std::span<const std::byte> input, CompressionFormat format,
                                int level) {
  Compressor compressor(format, level);
  const auto packed = compressor.compress(input);
  return {packed.begin(), packed.end()};
}

namespace {

// Inflates `input` and passes output to `sink`; used by both decompressors.
class Inflater {
 public:
  explicit Inflater(CompressionFormat format) : format_(format) {
    const int rc = inflateInit2(&s_, window_bits(format));
    if (rc != Z_OK)
      throw CompressionError("cannot start the decompressor: " + zlib_message(s_, rc));
  }
  ~Inflater() { inflateEnd(&s_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Returns true once the end of the compressed stream was reached.
  template <class Sink>
  bool feed(std::span<const std::byte> input, Sink&& sink) {
    s_.next_in = to_zlib(input.data());
    s_.avail_in = static_cast<uInt>(input.size());
    std::byte buffer[1 << 16];
    while (true) {
      s_.next_out = to_zlib(buffer);
      s_.avail_out = sizeof buffer;
      const int rc = inflate(&s_, Z_NO_FLUSH);
      const std::size_t produced = sizeof buffer - s_.avail_out;
      if (produced) sink(std::span<const std::byte>(buffer, produced));
      if (rc == Z_STREAM_END) {
        if (s_.avail_in != 0)
          throw CompressionError("corrupt " + std::string(format_name(format_)) +
                                 " data: unexpected bytes after the end of the stream");
        return true;
      }
      if (rc == Z_BUF_ERROR && s_.avail_in == 0) return false;  // needs more input
      if (rc != Z_OK)
        throw CompressionError("corrupt " + std::string(format_name(format_)) +
                               " data: " + zlib_message(s_, rc));
      if (s_.avail_in == 0 && s_.avail_out != 0) return false;
    }
  }

 private:
  CompressionFormat format_;
  z_stream s_{};
};

}  // namespace

std::vector<std::byte> decompress(std::span<const std::byte> input, CompressionFormat format,
                                  std::size_t max_output_bytes) {
  if (format == CompressionFormat::identity) return {input.begin(), input.end()};
  Inflater inflater(format);
  std::vector<std::byte> out;
  const bool ended = inflater.feed(input, [&](std::span<const std::byte> chunk) {
    if (out.size() + chunk.size() > max_output_bytes)
      throw CompressionError("decompressed data exceeds the limit of " +
                             std::to_string(max_output_bytes) + " bytes");
    out.insert(out.end(), chunk.begin(), chunk.end());
  });
  if (!ended)
    throw CompressionError("corrupt " + std::string(format_name(format)) +
                           " data: the stream is truncated");
  return out;
}

CompressionStats compress_stream(std::istream& in, std::ostream& out, CompressionFormat format,
                                 int level, std::size_t chunk_bytes) {
  Compressor compressor(format, level);
  std::vector<char> buffer(std::max<std::size_t>(chunk_bytes, 1));
  const Compressor::Sink sink = [&](std::span<const std::byte> bytes) {
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw CompressionError("cannot write compressed output");
  };
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got) compressor.write(std::as_bytes(std::span<const char>(buffer.data(), got)), sink);
  }
  if (in.bad()) throw CompressionError("cannot read the input stream");
  return compressor.finish(sink);
}

CompressionStats decompress_stream(std::istream& in, std::ostream& out, CompressionFormat format,
                                   std::size_t chunk_bytes) {
  CompressionStats stats;
  std::vector<char> buffer(std::max<std::size_t>(chunk_bytes, 1));
  const auto sink = [&](std::span<const std::byte> bytes) {
    stats.original_bytes += bytes.size();
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw CompressionError("cannot write decompressed output");
  };
  if (format == CompressionFormat::identity) {
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      stats.compressed_bytes += got;
      sink(std::as_bytes(std::span<const char>(buffer.data(), got)));
    }
    return stats;
  }
  Inflater inflater(format);
  bool ended = false;
  while (in && !ended) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    stats.compressed_bytes += got;
    if (got) ended = inflater.feed(std::as_bytes(std::span<const char>(buffer.data(), got)), sink);
  }
  if (!ended)
    throw CompressionError("corrupt " + std::string(format_name(format)) +
                           " data: the stream is truncated");
  return stats;
}

}  // namespace costops::core

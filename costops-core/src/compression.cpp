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

std::size_t checked_chunk_limit(std::size_t limit) {
  if (limit == 0 || limit > kZlibChunkLimit)
    throw CompressionError("zlib chunk limit " + std::to_string(limit) + " is outside 1.." +
                           std::to_string(kZlibChunkLimit));
  return limit;
}

// One call of deflate, its return code judged in one place for every path
// (one-shot and streaming). Z_STREAM_END means the stream is complete, even
// when that call moved no byte (with a tiny output piece the last trailer
// byte leaves on the call before). Z_BUF_ERROR only says no progress was
// possible: with buffers offered that is a fault, never a loop. Any other
// code is an error. Returns true when the stream has ended.
bool deflate_step(z_stream& stream, int flush) {
  const uInt offered_in = stream.avail_in, offered_out = stream.avail_out;
  const int rc = deflate(&stream, flush);
  if (rc == Z_STREAM_END) return true;
  const bool moved = stream.avail_in != offered_in || stream.avail_out != offered_out;
  if (rc == Z_OK || (rc == Z_BUF_ERROR && moved)) return false;
  if (rc == Z_BUF_ERROR)
    throw CompressionError("compression failed: zlib made no progress with " +
                           std::to_string(offered_in) + " input and " +
                           std::to_string(offered_out) + " output bytes offered");
  throw CompressionError("compression failed: " + zlib_message(stream, rc));
}

// At most `limit` of `bytes`, as zlib's 32-bit count.
uInt piece(std::size_t bytes, std::size_t limit) {
  return static_cast<uInt>(std::min(bytes, limit));
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
  std::size_t chunk_limit = kZlibChunkLimit;  // bytes per zlib call, each way

  // Runs deflate on the pending input with `flush` until it has taken all of
  // it (and, with Z_FINISH, ended the stream), passing output to `sink`.
  void drain_to(int flush, const Sink& sink) {
    bool ended = false;
    do {
      stream.next_out = to_zlib(buffer.data());
      stream.avail_out = piece(buffer.size(), chunk_limit);
      const uInt space = stream.avail_out;
      ended = deflate_step(stream, flush);
      const std::size_t produced = space - stream.avail_out;
      stats.compressed_bytes += produced;
      if (produced) sink({buffer.data(), produced});
      // Without Z_FINISH, done once deflate took all input: what it holds
      // back comes out with a later call (a repeated call with no input
      // would only answer Z_BUF_ERROR).
    } while (flush == Z_FINISH ? !ended : stream.avail_in != 0);
  }
};

Compressor::Compressor(CompressionFormat format, int level, std::size_t zlib_chunk_limit)
    : format_(format), state_(std::make_unique<State>()) {
  state_->chunk_limit = checked_chunk_limit(zlib_chunk_limit);
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
  // One deflate call per piece of at most chunk_limit bytes each way; the
  // last piece of input goes with Z_FINISH, and Z_FINISH stays until the end.
  const std::size_t limit = state_->chunk_limit;
  s.next_in = to_zlib(input.data());
  s.next_out = to_zlib(state_->output.get());
  std::size_t input_left = input.size(), output_left = bound;
  bool ended = false;
  while (!ended) {
    s.avail_in = piece(input_left, limit);
    s.avail_out = piece(output_left, limit);
    const uInt offered_in = s.avail_in, offered_out = s.avail_out;
    if (offered_out == 0)  // deflateBound promises room: running out is a zlib fault
      throw CompressionError("compression failed: the output exceeds zlib's bound of " +
                             std::to_string(bound) + " bytes");
    ended = deflate_step(s, input_left == offered_in ? Z_FINISH : Z_NO_FLUSH);
    input_left -= offered_in - s.avail_in;
    output_left -= offered_out - s.avail_out;
  }
  stats.compressed_bytes = bound - output_left;
  return {state_->output.get(), static_cast<std::size_t>(stats.compressed_bytes)};
}

void Compressor::write(std::span<const std::byte> chunk, const Sink& sink) {
  state_->stats.original_bytes += chunk.size();
  if (format_ == CompressionFormat::identity) {
    state_->stats.compressed_bytes += chunk.size();
    sink(chunk);
    return;
  }
  z_stream& s = state_->stream;
  for (std::size_t at = 0; at < chunk.size(); at += s.avail_in) {
    s.next_in = to_zlib(chunk.data() + at);
    s.avail_in = piece(chunk.size() - at, state_->chunk_limit);
    const uInt offered = s.avail_in;
    state_->drain_to(Z_NO_FLUSH, sink);
    s.avail_in = offered;  // all taken: advance by the whole piece
  }
}

CompressionStats Compressor::finish(const Sink& sink) {
  if (format_ != CompressionFormat::identity) {
    z_stream& s = state_->stream;
    s.next_in = nullptr;
    s.avail_in = 0;
    state_->drain_to(Z_FINISH, sink);
    deflateReset(&s);
  }
  const CompressionStats stats = state_->stats;
  state_->stats = {};
  return stats;
}

std::vector<std::byte> compress(std::span<const std::byte> input, CompressionFormat format,
                                int level, std::size_t zlib_chunk_limit) {
  Compressor compressor(format, level, zlib_chunk_limit);
  const auto packed = compressor.compress(input);
  return {packed.begin(), packed.end()};
}

namespace {

// Inflates compressed bytes fed in any number of calls and passes the output
// to a sink; used by both decompressors, so they refuse the same inputs.
class Inflater {
 public:
  Inflater(CompressionFormat format, std::size_t chunk_limit)
      : format_(format), chunk_limit_(checked_chunk_limit(chunk_limit)) {
    const int rc = inflateInit2(&s_, window_bits(format));
    if (rc != Z_OK)
      throw CompressionError("cannot start the decompressor: " + zlib_message(s_, rc));
  }
  ~Inflater() { inflateEnd(&s_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Throws CompressionError on damaged data, and on bytes after the end of
  // the stream, except that a gzip member may follow another (RFC 1952).
  template <class Sink>
  void feed(std::span<const std::byte> input, Sink&& sink) {
    while (!input.empty()) {
      if (ended_) {
        if (format_ != CompressionFormat::gzip)
          corrupt("unexpected bytes after the end of the stream");
        inflateReset(&s_);  // the next gzip member
        ended_ = false;
        later_member_ = true;
      }
      s_.next_in = to_zlib(input.data());
      s_.avail_in = piece(input.size(), chunk_limit_);
      const uInt offered = s_.avail_in;
      inflate_piece(sink);
      input = input.subspan(offered - s_.avail_in);
    }
  }
  // Call after the last input: throws unless it ended a stream (member).
  void finish() const {
    if (!ended_) corrupt("the stream is truncated");
  }

 private:
  [[noreturn]] void corrupt(const std::string& why) const {
    // Bytes after a complete gzip member that do not form another one are
    // trailing garbage, whatever zlib calls them.
    throw CompressionError("corrupt " + std::string(format_name(format_)) + " data: " +
                           (later_member_ ? "unexpected bytes after the end of the stream, "
                                            "which are not a complete gzip member: "
                                          : "") +
                           why);
  }

  // Inflates the pending input until zlib has taken all of it or the stream
  // (member) ends.
  template <class Sink>
  void inflate_piece(Sink& sink) {
    std::byte buffer[1 << 16];
    while (true) {
      s_.next_out = to_zlib(buffer);
      s_.avail_out = piece(sizeof buffer, chunk_limit_);
      const uInt space = s_.avail_out;
      const int rc = inflate(&s_, Z_NO_FLUSH);
      const std::size_t produced = space - s_.avail_out;
      if (produced) sink(std::span<const std::byte>(buffer, produced));
      if (rc == Z_STREAM_END) {
        ended_ = true;
        return;
      }
      if (rc == Z_BUF_ERROR && s_.avail_in == 0) return;  // needs more input
      if (rc != Z_OK) corrupt(zlib_message(s_, rc));
      if (s_.avail_in == 0 && s_.avail_out != 0) return;
    }
  }

  CompressionFormat format_;
  std::size_t chunk_limit_;
  z_stream s_{};
  bool ended_ = false;
  bool later_member_ = false;  // a gzip member after the first
};

}  // namespace

std::vector<std::byte> decompress(std::span<const std::byte> input, CompressionFormat format,
                                  std::size_t max_output_bytes, std::size_t zlib_chunk_limit) {
  if (format == CompressionFormat::identity) return {input.begin(), input.end()};
  Inflater inflater(format, zlib_chunk_limit);
  std::vector<std::byte> out;
  inflater.feed(input, [&](std::span<const std::byte> chunk) {
    if (out.size() + chunk.size() > max_output_bytes)
      throw CompressionError("decompressed data exceeds the limit of " +
                             std::to_string(max_output_bytes) + " bytes");
    out.insert(out.end(), chunk.begin(), chunk.end());
  });
  inflater.finish();
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
  // To the end of `in`: bytes after the stream are an error here too, even
  // when the stream ends exactly at a chunk boundary.
  Inflater inflater(format, kZlibChunkLimit);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    stats.compressed_bytes += got;
    inflater.feed(std::as_bytes(std::span<const char>(buffer.data(), got)), sink);
  }
  if (in.bad()) throw CompressionError("cannot read the input stream");
  inflater.finish();
  return stats;
}

}  // namespace costops::core

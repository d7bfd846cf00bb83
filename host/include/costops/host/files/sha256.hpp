// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), small and dependency
// free: the host keys its probe cache on a plugin file's content and signs
// the files it reads back (host_key.hpp). Checked against the FIPS 180-4
// examples and the RFC 4231 test vectors in the unit tests.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace costops::host {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  Sha256Digest finish();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

Sha256Digest sha256(std::string_view bytes);
Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

// Lowercase hexadecimal, 64 characters.
std::string to_hex(const Sha256Digest& digest);

// Compares two strings in time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace costops::host

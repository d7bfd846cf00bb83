// A hash table from short text keys (provider, model, organization and
// project names) to running totals, for aggregation. Private to costops-core.
//
// Why not std::unordered_map: aggregating one record looks up four groups,
// and with unordered_map those lookups (std::hash's byte loop, a node per
// group, memcmp through the PLT) were three quarters of the aggregation's
// time. Here a key's hash is a few whole-word loads and multiplies, the
// slots are one flat array of indices into the entries (linear probing, at
// most half full), and a key is compared only when its full 64-bit hash
// matches. The table holds views: the keys must outlive it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace costops::core::detail {

// A 64-bit hash of `text`: its length and every byte, in whole-word loads
// (overlapping at the ends), each mixed by a multiply. Not seeded: the keys
// are names from the caller's own records, and a crafted collision costs
// speed, never a wrong total (keys are compared in full).
inline std::uint64_t text_key_hash(std::string_view text) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15u;
  const auto mix = [](std::uint64_t h, std::uint64_t word) {
    h = (h ^ word) * 0xBF58476D1CE4E5B9u;
    return h ^ (h >> 31);
  };
  const char* p = text.data();
  const std::size_t n = text.size();
  std::uint64_t h = n * k;
  if (n >= 8) {
    std::uint64_t word;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, p + i, 8);
      h = mix(h, word);
    }
    std::memcpy(&word, p + n - 8, 8);
    return mix(h, word);
  }
  if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    return mix(h, (std::uint64_t(head) << 32) | tail);
  }
  if (n == 0) return h;
  const auto byte = [p](std::size_t i) { return std::uint64_t(static_cast<unsigned char>(p[i])); };
  return mix(h, (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1));
}

// a == b, inline: group keys are short, and a call to memcmp per lookup
// (through the PLT) once cost more than the lookup itself.
inline bool same_text(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  const auto load = [](const char* p, std::size_t at, std::size_t bytes) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + at, bytes);
    return word;
  };
  if (n >= 8)
    return (load(a.data(), 0, 8) ^ load(b.data(), 0, 8)) == 0 &&
           (load(a.data(), n - 8, 8) ^ load(b.data(), n - 8, 8)) == 0;
  if (n >= 4)
    return load(a.data(), 0, 4) == load(b.data(), 0, 4) &&
           load(a.data(), n - 4, 4) == load(b.data(), n - 4, 4);
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

struct TextKeyHash {
  std::uint64_t operator()(std::string_view text) const { return text_key_hash(text); }
};

// Hash is a parameter so that the tests can make every key collide.
template <class Value, class Hash = TextKeyHash>
class GroupTable {
 public:
  struct Entry {
    std::string_view key;
    std::uint64_t hash;
    Value value;
  };

  // The value of `key`, value-initialised the first time. Inline, so that
  // the lookups of one record into several tables overlap.
  [[gnu::always_inline]] Value& operator[](std::string_view key) {
    const std::uint64_t hash = Hash{}(key);
    for (std::size_t mask = slots_.size() - 1, i = hash & mask;; i = (i + 1) & mask) {
      const std::uint32_t at = slots_[i];
      if (at == kEmpty) return insert(key, hash, i);
      Entry& entry = entries_[at];
      if (entry.hash == hash && same_text(entry.key, key)) return entry.value;
    }
  }

  // In insertion order.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;

  [[gnu::noinline]] Value& insert(std::string_view key, std::uint64_t hash, std::size_t slot) {
    if (2 * (entries_.size() + 1) > slots_.size()) {
      grow();
      slot = free_slot(hash);
    }
    slots_[slot] = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back({key, hash, Value{}});
    return entries_.back().value;
  }

  std::size_t free_slot(std::uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i] != kEmpty) i = (i + 1) & mask;
    return i;
  }

  void grow() {
    slots_.assign(2 * slots_.size(), kEmpty);
    for (std::size_t e = 0; e < entries_.size(); ++e)
      slots_[free_slot(entries_[e].hash)] = static_cast<std::uint32_t>(e);
  }

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(16, kEmpty);
};

}  // namespace costops::core::detail

// The aggregator's group table (costops-core/src/group_table.hpp): keys that
// collide in full must still be told apart by their text.
#include "group_table.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using costops::core::detail::GroupTable;
using costops::core::detail::same_text;
using costops::core::detail::text_key_hash;

namespace {

struct EveryKeyCollides {
  std::uint64_t operator()(std::string_view) const { return 42; }
};

// Every name of length 1 to 40 that differs from 'x'*length in one byte.
std::vector<std::string> one_byte_apart() {
  std::vector<std::string> names;
  for (std::size_t length = 1; length <= 40; ++length)
    for (std::size_t at = 0; at < length; ++at) {
      std::string name(length, 'x');
      name[at] = 'y';
      names.push_back(name);
    }
  return names;
}

}  // namespace

TEST_CASE("same_text: equal exactly when every byte is") {
  for (const std::string& name : one_byte_apart()) {
    const std::string plain(name.size(), 'x');
    CAPTURE(name);
    CHECK(same_text(name, std::string(name)));
    CHECK_FALSE(same_text(name, plain));
    CHECK_FALSE(same_text(plain, name));
  }
  CHECK(same_text("", ""));
  CHECK_FALSE(same_text("", "x"));
  CHECK_FALSE(same_text("abc", "abcd"));
}

TEST_CASE("a table whose keys all collide keeps each key's value apart") {
  const std::vector<std::string> names = one_byte_apart();
  GroupTable<int, EveryKeyCollides> table;
  for (std::size_t i = 0; i < names.size(); ++i) table[names[i]] = static_cast<int>(i);
  REQUIRE(table.entries().size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    CAPTURE(names[i]);
    CHECK(table[names[i]] == static_cast<int>(i));
  }
  CHECK(table.entries().size() == names.size());        // lookups added nothing
  CHECK(table.entries().front().key == names.front());  // insertion order
}

TEST_CASE("the hash reads every byte of a key") {
  for (const std::string& name : one_byte_apart()) {
    CAPTURE(name);
    CHECK(text_key_hash(name) != text_key_hash(std::string(name.size(), 'x')));
  }
  CHECK(text_key_hash("ab") != text_key_hash("abc"));
}

// libFuzzer target for usage records read from JSON (ingestion files and
// other programs' output). Any input must end in a UsageRecord or a
// JsonFieldError, never a crash, hang or sanitizer report; a record that
// reads must validate, and must read back from its own JSON unchanged.
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "costops/core/domain_json.hpp"
#include "costops/core/validation.hpp"

namespace {

// Equal JSON, except that a number may come back one or two units in the
// last place away: Boost.JSON 1.81 does not round long or large number
// literals correctly when it reads them (found by this fuzzer: a 46-digit
// metadata number, kept in the corpus as long_metadata_number.json).
bool same_json(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::nextafter(std::nextafter(x, y), y) == y || std::nextafter(x, y) == y;
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same_json(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& [key, value] : p)
      if (!q.contains(key) || !same_json(value, q.at(key))) return false;
    return true;
  }
  return a == b;
}

bool same(const costops::core::UsageRecord& a, const costops::core::UsageRecord& b) {
  return a.id == b.id && a.timestamp == b.timestamp && a.provider == b.provider &&
         a.custom_provider == b.custom_provider && a.model == b.model &&
         a.organization_id == b.organization_id && a.project_id == b.project_id &&
         a.user_id == b.user_id && a.tokens.prompt == b.tokens.prompt &&
         a.tokens.completion == b.tokens.completion && a.total_tokens == b.total_tokens &&
         a.tokens.cache_read == b.tokens.cache_read &&
         a.tokens.cache_write == b.tokens.cache_write && a.tokens.reasoning == b.tokens.reasoning &&
         a.latency_ms == b.latency_ms && a.time_to_first_token_ms == b.time_to_first_token_ms &&
         a.tags == b.tags && same_json(a.metadata, b.metadata);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costops::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  UsageRecord record;
  try {
    record = usage_from_json(parse_json_text(text, "fuzz.json"));
  } catch (const JsonFieldError&) {
    return 0;
  }
  (void)validate_usage(record, parse_timestamp("2030-01-01T00:00:00Z"));
  const std::string written = boost::json::serialize(usage_to_json(record));
  if (!same(usage_from_json(parse_json_text(written, "written.json")), record)) std::abort();
  return 0;
}

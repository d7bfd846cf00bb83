#include "costops/core/validation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace costops::core;

namespace {

UsageRecord valid_record() {
  UsageRecord r;
  r.id = "u-1";
  r.timestamp = parse_timestamp("2025-01-15T10:00:00Z");
  r.provider = Provider::openai;
  r.model = "gpt-4o";
  r.organization_id = "org-1";
  r.tokens = {1000, 500, 200, 0, 100};
  r.total_tokens = 1500;
  return r;
}

const Timestamp kNow = parse_timestamp("2025-01-16T00:00:00Z");

bool has(const std::vector<ValidationError>& errors, ValidationRule rule) {
  return std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.rule == rule; });
}

}  // namespace

TEST_CASE("a consistent record is valid") {
  CHECK(validate_usage(valid_record(), kNow).empty());
}

TEST_CASE("each rule is a distinct, named error") {
  struct Case {
    void (*break_it)(UsageRecord&);
    ValidationRule rule;
    const char* field;
    const char* text;
  };
  const Case cases[] = {
      {[](UsageRecord& r) {
         r.tokens = {0, 0};
         r.total_tokens = 0;
       },
       ValidationRule::zero_total_tokens, "total_tokens", "is 0"},
      {[](UsageRecord& r) { r.total_tokens = 1499; }, ValidationRule::token_total_mismatch,
       "total_tokens", "= 1500, but total_tokens is 1499"},
      {[](UsageRecord& r) { r.tokens.cache_write = 900; }, ValidationRule::cache_exceeds_prompt,
       "cache_read_tokens", "exceed prompt_tokens (1000)"},
      {[](UsageRecord& r) { r.tokens.reasoning = 501; },
       ValidationRule::reasoning_exceeds_completion, "reasoning_tokens", "(501)"},
      {[](UsageRecord& r) { r.organization_id.clear(); }, ValidationRule::missing_organization,
       "organization_id", "empty"},
      {[](UsageRecord& r) { r.model.clear(); }, ValidationRule::missing_model, "model", "empty"},
      {[](UsageRecord& r) { r.provider = Provider::custom; },
       ValidationRule::missing_custom_provider, "provider", "custom"},
      {[](UsageRecord& r) { r.timestamp = parse_timestamp("2025-01-17T00:00:00Z"); },
       ValidationRule::future_timestamp, "timestamp", "2025-01-17T00:00:00Z"},
      {[](UsageRecord& r) { r.project_id = std::string(256, 'p'); },
       ValidationRule::string_too_long, "project_id", "256 bytes"},
      {[](UsageRecord& r) { r.tags.assign(65, "t"); }, ValidationRule::too_many_tags, "tags",
       "65 tags"},
      {[](UsageRecord& r) { r.latency_ms = std::uint64_t(INT64_MAX) + 1; },
       ValidationRule::count_too_large, "latency_ms", "9223372036854775808"},
      {[](UsageRecord& r) { r.model = "gpt\xff"; }, ValidationRule::invalid_utf8, "model",
       "byte 0xff at offset 3"},
  };
  for (const Case& c : cases) {
    UsageRecord r = valid_record();
    c.break_it(r);
    const auto errors = validate_usage(r, kNow);
    CAPTURE(rule_name(c.rule));
    REQUIRE(has(errors, c.rule));
    const auto& e = *std::find_if(errors.begin(), errors.end(),
                                  [&](const auto& x) { return x.rule == c.rule; });
    CHECK(e.field == c.field);
    CHECK(e.message.find(c.text) != std::string::npos);
    CHECK(e.message.find("u-1") != std::string::npos);
  }
  // Every rule has a case above, and a distinct name.
  constexpr auto kLastRule = ValidationRule::invalid_utf8;
  CHECK(std::size(cases) == static_cast<std::size_t>(kLastRule) + 1);
  std::set<std::string_view> names;
  for (const Case& c : cases) names.insert(rule_name(c.rule));
  CHECK(names.size() == std::size(cases));
}

TEST_CASE("small clock skew is tolerated; several violations are all reported") {
  UsageRecord r = valid_record();
  r.timestamp = kNow + std::chrono::seconds(30);
  CHECK(validate_usage(r, kNow).empty());
  r.organization_id.clear();
  r.total_tokens = 7;
  CHECK(validate_usage(r, kNow).size() == 2);
  CHECK(rule_name(ValidationRule::future_timestamp) == "future_timestamp");
}

TEST_CASE("token sums are exact: counts near 2^64 do not wrap into a passing total") {
  UsageRecord r = valid_record();
  r.tokens = {UINT64_MAX, 2, 0, 0, 0};
  r.total_tokens = 1;  // (2^64 - 1) + 2 wraps to 1 in 64 bits
  auto errors = validate_usage(r, kNow);
  CHECK(has(errors, ValidationRule::token_total_mismatch));
  const auto mismatch = std::find_if(errors.begin(), errors.end(), [](const auto& e) {
    return e.rule == ValidationRule::token_total_mismatch;
  });
  REQUIRE(mismatch != errors.end());
  CHECK(mismatch->message.find("= 18446744073709551617") != std::string::npos);

  r = valid_record();
  r.tokens.cache_read = UINT64_MAX;
  r.tokens.cache_write = 2;  // sums to 1 in 64 bits, below prompt (1000)
  CHECK(has(validate_usage(r, kNow), ValidationRule::cache_exceeds_prompt));
}

TEST_CASE("counts above INT64_MAX, which no store can hold, are a named error per field") {
  UsageRecord r = valid_record();
  r.tokens = {std::uint64_t(INT64_MAX) + 1, 0, 0, 0, 0};
  r.total_tokens = r.tokens.prompt;
  const auto errors = validate_usage(r, kNow);
  REQUIRE(errors.size() == 2);  // prompt_tokens and total_tokens
  CHECK(errors[0].rule == ValidationRule::count_too_large);
  CHECK(errors[0].field == "prompt_tokens");
  CHECK(errors[1].field == "total_tokens");
  CHECK(rule_name(ValidationRule::count_too_large) == "count_too_large");
}

TEST_CASE("a byte that is not UTF-8 is found at every offset of every text field's length") {
  // The valid path tests all text fields' bytes at once, in whole words
  // whose loads overlap at the ends: every length and offset must still be
  // seen, in a record whose other fields hold valid non-ASCII text.
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      UsageRecord r = valid_record();
      r.user_id = "caf\xc3\xa9";  // é: valid UTF-8, not ASCII
      std::string tag(length, 't');
      tag[at] = '\xff';
      r.tags = {"env:prod", tag};
      const auto errors = validate_usage(r, kNow);
      CAPTURE(length);
      CAPTURE(at);
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].rule == ValidationRule::invalid_utf8);
      CHECK(errors[0].field == "tags");
      CHECK(errors[0].message.find("at offset " + std::to_string(at)) != std::string::npos);
    }
  }
  UsageRecord accented = valid_record();
  accented.organization_id = "soci\xc3\xa9t\xc3\xa9";
  accented.model = "\xe6\xa8\xa1\xe5\x9e\x8b";
  CHECK(validate_usage(accented, kNow).empty());
}

#include "costops/core/validation.hpp"

#include <array>
#include <cstdint>

#include "json_string.hpp"

namespace costops::core {

namespace {

// -pedantic would flag the extension without __extension__.
__extension__ using NativeUnsigned128 = unsigned __int128;

// Sums of two 64-bit counts are held in 128 bits: they must not wrap into a
// total that passes the check.
NativeUnsigned128 wide_sum(std::uint64_t a, std::uint64_t b) {
  return NativeUnsigned128(a) + b;
}

std::string to_text(NativeUnsigned128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

// True when no text field of the record holds a byte above 0x7f: the OR of
// all their bytes, tested once.
bool all_ascii(const UsageRecord& r) {
  std::uint64_t bits = detail::or_of_bytes(r.id) | detail::or_of_bytes(r.custom_provider) |
                       detail::or_of_bytes(r.organization_id) | detail::or_of_bytes(r.project_id) |
                       detail::or_of_bytes(r.user_id) | detail::or_of_bytes(r.model);
  for (const auto& tag : r.tags) bits |= detail::or_of_bytes(tag);
  return (bits & 0x8080808080808080u) == 0;
}

}  // namespace

std::string_view rule_name(ValidationRule rule) {
  static constexpr std::array<std::string_view, 12> names = {
      "zero_total_tokens",       "token_total_mismatch",
      "cache_exceeds_prompt",    "reasoning_exceeds_completion",
      "missing_organization",    "missing_model",
      "missing_custom_provider", "future_timestamp",
      "string_too_long",         "too_many_tags",
      "count_too_large",         "invalid_utf8"};
  return names[static_cast<std::size_t>(rule)];
}

namespace {

// Every rule, once. `report(rule, field, message)` is called for each
// violation, where `message` is a callable that builds the text: the
// flag-only pass below never calls it, so the compiler drops the string
// building from the path every valid record takes. (When the checks and the
// messages were one function, its frame and spills cost a valid record
// more than the checks themselves.)
template <class Report>
void check_usage(const UsageRecord& r, Timestamp now, const ValidationLimits& limits,
                 Report&& report) {
  const auto where = [&r] {
    return "usage record " + (r.id.empty() ? std::string("(no id)") : r.id) + ": ";
  };
  const TokenCounts& t = r.tokens;

  if (r.total_tokens == 0)
    report(ValidationRule::zero_total_tokens, "total_tokens",
           [&] { return where() + "total_tokens is 0"; });
  const NativeUnsigned128 prompt_and_completion = wide_sum(t.prompt, t.completion);
  if (prompt_and_completion != r.total_tokens)
    report(ValidationRule::token_total_mismatch, "total_tokens", [&] {
      return where() + "prompt_tokens (" + std::to_string(t.prompt) + ") + completion_tokens (" +
             std::to_string(t.completion) + ") = " + to_text(prompt_and_completion) +
             ", but total_tokens is " + std::to_string(r.total_tokens);
    });
  if (wide_sum(t.cache_read, t.cache_write) > t.prompt)
    report(ValidationRule::cache_exceeds_prompt, "cache_read_tokens", [&] {
      return where() + "cache_read_tokens (" + std::to_string(t.cache_read) +
             ") + cache_write_tokens (" + std::to_string(t.cache_write) +
             ") exceed prompt_tokens (" + std::to_string(t.prompt) + "), which include them";
    });
  if (t.reasoning > t.completion)
    report(ValidationRule::reasoning_exceeds_completion, "reasoning_tokens", [&] {
      return where() + "reasoning_tokens (" + std::to_string(t.reasoning) +
             ") exceed completion_tokens (" + std::to_string(t.completion) +
             "), which include them";
    });
  if (r.organization_id.empty())
    report(ValidationRule::missing_organization, "organization_id",
           [&] { return where() + "organization_id is empty"; });
  if (r.model.empty())
    report(ValidationRule::missing_model, "model", [&] { return where() + "model is empty"; });
  if (r.provider == Provider::custom && r.custom_provider.empty())
    report(ValidationRule::missing_custom_provider, "provider",
           [&] { return where() + "a custom provider needs a name"; });
  if (r.timestamp > now + limits.allowed_clock_skew)
    report(ValidationRule::future_timestamp, "timestamp", [&] {
      return where() + "timestamp " + format_timestamp(r.timestamp) + " is in the future (now is " +
             format_timestamp(now) + ")";
    });
  // The text fields are ASCII in nearly every record: one test of all their
  // bytes together, and the byte-by-byte UTF-8 check only when it fails.
  const bool all_text_ascii = all_ascii(r);
  const auto check_text = [&](const std::string& value, const char* field, std::size_t max) {
    if (value.size() > max)
      report(ValidationRule::string_too_long, field, [&] {
        return where() + field + " is " + std::to_string(value.size()) +
               " bytes long; the limit is " + std::to_string(max);
      });
    if (all_text_ascii) return;
    if (const std::size_t at = detail::invalid_utf8_at(value); at != std::string::npos)
      report(ValidationRule::invalid_utf8, field, [&] {
        return where() + field + " is not UTF-8: " + detail::describe_invalid_utf8(value, at);
      });
  };
  check_text(r.id, "id", SIZE_MAX);
  check_text(r.custom_provider, "provider", SIZE_MAX);
  check_text(r.organization_id, "organization_id", limits.max_id_length);
  check_text(r.project_id, "project_id", limits.max_id_length);
  check_text(r.user_id, "user_id", limits.max_id_length);
  check_text(r.model, "model", limits.max_model_length);
  for (const auto& tag : r.tags) check_text(tag, "tags", limits.max_id_length);
  if (r.tags.size() > limits.max_tags)
    report(ValidationRule::too_many_tags, "tags", [&] {
      return where() + std::to_string(r.tags.size()) + " tags; the limit is " +
             std::to_string(limits.max_tags);
    });
  const auto check_count = [&](std::optional<std::uint64_t> value, const char* field) {
    if (value && *value > static_cast<std::uint64_t>(INT64_MAX))
      report(ValidationRule::count_too_large, field, [&] {
        return where() + field + " is " + std::to_string(*value) +
               "; counts above 9223372036854775807 (INT64_MAX) cannot be stored";
      });
  };
  // One test of the top bits for the usual record, where no count is large.
  if ((t.prompt | t.completion | r.total_tokens | t.cache_read | t.cache_write | t.reasoning |
       r.latency_ms.value_or(0) | r.time_to_first_token_ms.value_or(0)) >>
      63) {
    check_count(t.prompt, "prompt_tokens");
    check_count(t.completion, "completion_tokens");
    check_count(r.total_tokens, "total_tokens");
    check_count(t.cache_read, "cache_read_tokens");
    check_count(t.cache_write, "cache_write_tokens");
    check_count(t.reasoning, "reasoning_tokens");
    check_count(r.latency_ms, "latency_ms");
    check_count(r.time_to_first_token_ms, "time_to_first_token_ms");
  }
}

// The pass that builds the messages, kept out of line: only an invalid
// record gets here.
[[gnu::noinline, gnu::cold]] std::vector<ValidationError> describe_violations(
    const UsageRecord& record, Timestamp now, const ValidationLimits& limits) {
  std::vector<ValidationError> errors;
  check_usage(record, now, limits, [&](ValidationRule rule, const char* field, auto&& message) {
    errors.push_back({rule, field, message()});
  });
  return errors;
}

}  // namespace

std::vector<ValidationError> validate_usage(const UsageRecord& record, Timestamp now,
                                            const ValidationLimits& limits) {
  bool valid = true;
  check_usage(record, now, limits,
              [&valid](ValidationRule, const char*, auto&&) { valid = false; });
  if (valid) return {};
  return describe_violations(record, now, limits);
}

}  // namespace costops::core

// Rules a usage record must meet before it is priced or stored: the original
// Rust cost-ops's rules and its HTTP ingestion rules, each a distinct error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "costops/core/domain.hpp"

namespace costops::core {

enum class ValidationRule {
  zero_total_tokens,     // total_tokens is 0
  token_total_mismatch,  // prompt + completion != total
  cache_exceeds_prompt,  // cache_read + cache_write > prompt
  reasoning_exceeds_completion,
  missing_organization,     // organization_id empty
  missing_model,            // model empty
  missing_custom_provider,  // provider custom without a name
  future_timestamp,         // timestamp later than now (+ allowed clock skew)
  string_too_long,          // organization/project/user > 255, model > 255, tag > 255
  too_many_tags,            // more than 64 tags
  count_too_large,          // a token count or duration above INT64_MAX, which no store holds
  invalid_utf8,             // id, provider, organization/project/user, model or a tag not UTF-8
};

std::string_view rule_name(ValidationRule rule);

struct ValidationError {
  ValidationRule rule;
  std::string field;    // snake_case JSON key
  std::string message;  // says what is wrong with which value
};

struct ValidationLimits {
  std::size_t max_id_length = 255;
  std::size_t max_model_length = 255;
  std::size_t max_tags = 64;
  std::chrono::milliseconds allowed_clock_skew{60'000};
};

// Every violation, in a fixed order; empty when the record is valid.
std::vector<ValidationError> validate_usage(const UsageRecord& record, Timestamp now,
                                            const ValidationLimits& limits = {});

}  // namespace costops::core

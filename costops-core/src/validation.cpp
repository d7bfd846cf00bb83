#include "costops/core/validation.hpp"

#include <array>

namespace costops::core {

std::string_view rule_name(ValidationRule rule) {
  static constexpr std::array<std::string_view, 10> names = {
      "zero_total_tokens",       "token_total_mismatch",
      "cache_exceeds_prompt",    "reasoning_exceeds_completion",
      "missing_organization",    "missing_model",
      "missing_custom_provider", "future_timestamp",
      "string_too_long",         "too_many_tags"};
  return names[static_cast<std::size_t>(rule)];
}

std::vector<ValidationError> validate_usage(const UsageRecord& r, Timestamp now,
                                            const ValidationLimits& limits) {
  std::vector<ValidationError> errors;
  const auto add = [&](ValidationRule rule, std::string field, std::string message) {
    errors.push_back({rule, std::move(field), std::move(message)});
  };
  const std::string where = "usage record " + (r.id.empty() ? std::string("(no id)") : r.id) + ": ";
  const TokenCounts& t = r.tokens;

  if (r.total_tokens == 0)
    add(ValidationRule::zero_total_tokens, "total_tokens", where + "total_tokens is 0");
  if (t.prompt + t.completion != r.total_tokens)
    add(ValidationRule::token_total_mismatch, "total_tokens",
        where + "prompt_tokens (" + std::to_string(t.prompt) + ") + completion_tokens (" +
            std::to_string(t.completion) + ") = " + std::to_string(t.prompt + t.completion) +
            ", but total_tokens is " + std::to_string(r.total_tokens));
  if (t.cache_read + t.cache_write > t.prompt)
    add(ValidationRule::cache_exceeds_prompt, "cache_read_tokens",
        where + "cache_read_tokens (" + std::to_string(t.cache_read) + ") + cache_write_tokens (" +
            std::to_string(t.cache_write) + ") exceed prompt_tokens (" + std::to_string(t.prompt) +
            "), which include them");
  if (t.reasoning > t.completion)
    add(ValidationRule::reasoning_exceeds_completion, "reasoning_tokens",
        where + "reasoning_tokens (" + std::to_string(t.reasoning) +
            ") exceed completion_tokens (" + std::to_string(t.completion) +
            "), which include them");
  if (r.organization_id.empty())
    add(ValidationRule::missing_organization, "organization_id",
        where + "organization_id is empty");
  if (r.model.empty()) add(ValidationRule::missing_model, "model", where + "model is empty");
  if (r.provider == Provider::custom && r.custom_provider.empty())
    add(ValidationRule::missing_custom_provider, "provider",
        where + "a custom provider needs a name");
  if (r.timestamp > now + limits.allowed_clock_skew)
    add(ValidationRule::future_timestamp, "timestamp",
        where + "timestamp " + format_timestamp(r.timestamp) + " is in the future (now is " +
            format_timestamp(now) + ")");
  const auto check_length = [&](const std::string& value, const char* field, std::size_t max) {
    if (value.size() > max)
      add(ValidationRule::string_too_long, field,
          where + field + " is " + std::to_string(value.size()) + " bytes long; the limit is " +
              std::to_string(max));
  };
  check_length(r.organization_id, "organization_id", limits.max_id_length);
  check_length(r.project_id, "project_id", limits.max_id_length);
  check_length(r.user_id, "user_id", limits.max_id_length);
  check_length(r.model, "model", limits.max_model_length);
  for (const auto& tag : r.tags) check_length(tag, "tags", limits.max_id_length);
  if (r.tags.size() > limits.max_tags)
    add(ValidationRule::too_many_tags, "tags",
        where + std::to_string(r.tags.size()) + " tags; the limit is " +
            std::to_string(limits.max_tags));
  return errors;
}

}  // namespace costops::core

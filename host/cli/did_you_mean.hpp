// Suggestions for a mistyped command or option ("did you mean `run`?") and
// the messages for option values that are not of the expected form, so a
// typo is answered with the fix rather than the whole help text.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace costops::cli {

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, when it is close enough to be what was
// meant: at most 2 edits, and fewer edits than `typed` has characters.
std::optional<std::string> closest_name(std::string_view typed,
                                        std::span<const std::string> candidates);

// " Did you mean `--min-time`?" for an unknown option `typed` ("--min-tme",
// "--min-tme=3") among the long options of `options`; "" when none is close.
std::string option_suggestion(std::string_view typed,
                              const boost::program_options::options_description& options);

// The message for a value program_options could not convert: names the
// option, the value as given in `args`, and the expected form (the
// option's value name, e.g. SECONDS, PCT).
std::string invalid_value_message(const boost::program_options::invalid_option_value& error,
                                  const std::vector<std::string>& args,
                                  const boost::program_options::options_description& options);

}  // namespace costops::cli

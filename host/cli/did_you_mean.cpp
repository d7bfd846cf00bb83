#include "did_you_mean.hpp"

#include <algorithm>

namespace costops::cli {

namespace po = boost::program_options;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest_name(std::string_view typed,
                                        std::span<const std::string> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(typed, candidate);
    if (distance > 2 || distance >= typed.size()) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

namespace {

std::string without_value(std::string_view typed) {
  std::string name(typed);
  if (const auto equals = name.find('='); equals != std::string::npos) name.resize(equals);
  return name;
}

const po::option_description* find_option(const po::options_description& options,
                                          const std::string& name) {
  for (const auto& option : options.options())
    if ("--" + option->long_name() == name) return option.get();
  return nullptr;
}

}  // namespace

std::string option_suggestion(std::string_view typed, const po::options_description& options) {
  std::vector<std::string> names;
  for (const auto& option : options.options())
    if (!option->long_name().empty()) names.push_back("--" + option->long_name());
  const auto best = closest_name(without_value(typed), names);
  return best ? " Did you mean `" + *best + "`?" : "";
}

std::string invalid_value_message(const po::invalid_option_value& error,
                                  const std::vector<std::string>& args,
                                  const po::options_description& options) {
  const std::string name = error.get_option_name();  // "--min-time"
  std::string value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) value = args[i + 1];
    if (args[i].rfind(name + "=", 0) == 0) value = args[i].substr(name.size() + 1);
  }
  std::string form = "a number";
  if (const po::option_description* option = find_option(options, name)) {
    std::string parameter = option->semantic()->name();  // "S (=0.5)"
    parameter = parameter.substr(0, parameter.find(' '));
    if (!parameter.empty() && parameter != "arg") form = parameter + ", a plain number";
  }
  std::string message = name + " takes " + form + ", not `" + value + "`";
  if (value.find('%') != std::string::npos)
    message += " (write the percentage without the % sign)";
  else if (value.find_first_of("smu") != std::string::npos &&
           value.find_first_of("0123456789") != std::string::npos)
    message += " (seconds, without a unit)";
  return message;
}

}  // namespace costops::cli

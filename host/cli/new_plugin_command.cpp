// `cost-ops new-plugin NAME [--lang c|cpp|rust] [-o DIR] [--sdk PREFIX]`:
// writes a plugin project against the installed SDK: a build file, a family
// and a plain target that check their answers, a README, and a packaging
// recipe whose package depends on `cost-ops-bench-abi-1 (>= 1.1)`.
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/plugin_probe.hpp"
#include "scaffold_templates.hpp"

namespace costops::cli {

namespace {

namespace fs = std::filesystem;

struct ScaffoldValues {
  std::string name;      // the plugin and target id prefix: lowercase snake_case
  std::string package;   // the Debian package suffix: name with '-' for '_'
  std::string sdk;       // the SDK prefix (where the plugin-api component is installed)
  std::string rust_kit;  // <sdk>/share/cost-ops/rust/costops-bench
};

std::string substituted(std::string_view text, const ScaffoldValues& v) {
  std::string out(text);
  const std::pair<std::string_view, const std::string*> placeholders[] = {
      {"@NAME@", &v.name},
      {"@PACKAGE@", &v.package},
      {"@SDK@", &v.sdk},
      {"@RUST_KIT@", &v.rust_kit}};
  for (const auto& [key, value] : placeholders)
    for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + value->size()))
      out.replace(at, key.size(), *value);
  return out;
}

// The SDK next to this host when installed (<prefix>/bin/cost-ops).
std::string default_sdk(const CommandContext& context) {
  return context.self.parent_path().parent_path().string();
}

bool directory_is_empty_or_missing(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || (fs::is_directory(dir, ec) && fs::is_empty(dir, ec));
}

int write_project(const std::string& language, const ScaffoldValues& values, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const TemplateFile& file : scaffold_templates()) {
    if (file.language != language) continue;
    const fs::path path = dir / substituted(file.path, values);
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << substituted(file.content, values);
    if (!out.flush()) {
      std::cerr << "error: cannot write " << path.string() << "\n";
      return host::kExitUsage;
    }
    if (path.extension() == ".sh") ::chmod(path.c_str(), 0755);
    std::cout << "  " << path.string() << "\n";
  }
  return host::kExitOk;
}

po::options_description describe_new_plugin_options(bool& help, std::string& language,
                                                    std::string& output, std::string& sdk) {
  po::options_description options("new-plugin options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "lang", po::value<std::string>(&language)->default_value("c")->value_name("LANG"),
      "c (C99), cpp (C++17 on the helper header) or rust (on the SDK's costops-bench crate)")(
      "output,o", po::value<std::string>(&output)->value_name("DIR"),
      "directory to create (default: ./NAME); must be empty or missing")(
      "sdk", po::value<std::string>(&sdk)->value_name("DIR"),
      "prefix where the plugin SDK is installed (default: this cost-ops's own prefix)");
  return options;
}

bool check_request(const std::string& name, const std::string& language,
                   const ScaffoldValues& values, const fs::path& dir) {
  if (!host::is_valid_target_id(name) || name.size() > 40) {
    std::cerr << "error: plugin name `" << name
              << "` must be lowercase letters, digits and '_', starting with a letter, at most "
                 "40 characters (it prefixes every target id)\n";
    return false;
  }
  if (language != "c" && language != "cpp" && language != "rust") {
    std::cerr << "error: --lang takes c, cpp or rust, not `" << language << "`\n";
    return false;
  }
  std::error_code ec;
  if (language == "rust" && !fs::exists(fs::path(values.rust_kit) / "Cargo.toml", ec)) {
    std::cerr << "error: the Rust kit is not at " << values.rust_kit
              << "; install the SDK (cmake --install BUILD --component plugin-api --prefix DIR) "
                 "and pass --sdk DIR\n";
    return false;
  }
  if (!directory_is_empty_or_missing(dir)) {
    std::cerr << "error: " << dir.string() << " exists and is not empty; choose another with -o\n";
    return false;
  }
  return true;
}

}  // namespace

po::options_description new_plugin_options_for_documentation() {
  static bool help = false;
  static std::string language, output, sdk;
  return describe_new_plugin_options(help, language, output, sdk);
}

int new_plugin_command(const Arguments& args, const CommandContext& context) {
  bool help = false;
  std::string language, output, sdk;
  std::vector<std::string> positional;
  const po::options_description options = describe_new_plugin_options(help, language, output, sdk);
  parse_with_positionals(args, options, positional);
  if (help) {
    std::cout << "Usage: cost-ops new-plugin NAME [--lang c|cpp|rust] [-o DIR] [--sdk DIR]\n\n"
                 "Writes a plugin project built against the installed SDK: one family and one\n"
                 "plain target that check their answers, a README and a Debian packaging recipe\n"
                 "depending on cost-ops-bench-abi-1 (>= 1.1).\n\n"
              << options << exit_codes_help("0 the project was written, 2 usage error.");
    return host::kExitOk;
  }
  if (positional.size() != 1)
    return usage_error("new-plugin",
                       positional.empty()
                           ? "name the plugin: cost-ops new-plugin NAME"
                           : "new-plugin takes one NAME, not " + quoted_list(positional));
  ScaffoldValues values;
  values.name = positional.front();
  values.package = values.name;
  std::replace(values.package.begin(), values.package.end(), '_', '-');
  values.sdk = fs::absolute(sdk.empty() ? default_sdk(context) : sdk).lexically_normal().string();
  values.rust_kit = (fs::path(values.sdk) / "share/cost-ops/rust/costops-bench").string();
  const fs::path dir = output.empty() ? fs::path(values.name) : fs::path(output);
  if (!check_request(values.name, language, values, dir)) return host::kExitUsage;
  std::cout << "Writing a " << language << " plugin project in " << dir.string() << ":\n";
  const int status = write_project(language, values, dir);
  if (status == host::kExitOk)
    std::cout << "Next: see " << (dir / "README.md").string() << " to build, check and run it.\n";
  return status;
}

}  // namespace costops::cli

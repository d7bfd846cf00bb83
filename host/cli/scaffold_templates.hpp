// The project templates of `cost-ops new-plugin`, embedded at build time
// from host/templates/<language>/ (cmake/EmbedTemplates.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace costops::cli {

struct TemplateFile {
  std::string_view language;  // "c", "cpp" or "rust"
  std::string_view path;      // relative; may contain @NAME@
  std::string_view content;   // with @NAME@, @PACKAGE@, @SDK@, @RUST_KIT@ placeholders
};

const std::vector<TemplateFile>& scaffold_templates();

}  // namespace costops::cli

#include "costops/host/console/text_table.hpp"

#include <algorithm>
#include <numeric>

namespace costops::host::console {

namespace {

// Columns between cells: two spaces, as hyperfine and Google Benchmark.
constexpr std::size_t kGap = 2;

// The first column (target names) is cut no shorter than this before lines
// themselves are cut: a name cut to a few characters identifies nothing.
constexpr std::size_t kMinFirstColumn = 12;

// Before a column this important (drop_order 1..3: a spread, a rate) is
// left out, long names are cut to this width: a 20-column prefix of an id
// still identifies it, a missing spread is missing everywhere.
constexpr std::size_t kShortFirstColumn = 20;
constexpr int kCutNamesBeforeDropOrder = 3;

std::string trim_right(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string padded(const std::string& text, std::size_t width, bool right) {
  const std::size_t used = display_width(text);
  const std::string gap(used < width ? width - used : 0, ' ');
  return right ? gap + text : text + gap;
}

struct Layout {
  std::vector<std::size_t> shown;   // column indices, in order
  std::vector<std::size_t> widths;  // per shown column
  std::size_t total() const {
    return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) +
           (widths.empty() ? 0 : kGap * (widths.size() - 1));
  }
};

}  // namespace

RenderedTable render_table(const std::vector<TableColumn>& columns,
                           const std::vector<TableRow>& rows, const TerminalStyle& style,
                           std::size_t width, const char* empty_mark_or_null) {
  const std::string empty_mark = empty_mark_or_null ? empty_mark_or_null
                                 : style.unicode    ? "–"
                                                    : "-";
  // Everything in the terminal's charset first: widths are of what is shown.
  std::vector<std::vector<std::string>> cells(rows.size());
  std::vector<bool> used(columns.size(), false);
  used[0] = true;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string text = c < rows[r].cells.size() ? rows[r].cells[c] : std::string();
      if (!text.empty() && (c == 0 || rows[r].spanning.empty())) used[c] = true;
      cells[r].push_back(text.empty() ? empty_mark : style.in_charset(text));
    }
  Layout layout;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!used[c]) continue;
    std::size_t w = display_width(style.in_charset(columns[c].header));
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (c == 0 || rows[r].spanning.empty()) w = std::max(w, display_width(cells[r][c]));
    layout.shown.push_back(c);
    layout.widths.push_back(w);
  }
  RenderedTable out;
  // Too wide: leave out the least important column, one at a time.
  while (width > 0 && layout.total() > width) {
    std::size_t drop = 0;  // position in layout.shown; 0 = none droppable
    for (std::size_t i = 1; i < layout.shown.size(); ++i)
      if (columns[layout.shown[i]].drop_order > 0 &&
          (drop == 0 ||
           columns[layout.shown[i]].drop_order >= columns[layout.shown[drop]].drop_order))
        drop = i;
    if ((drop == 0 || columns[layout.shown[drop]].drop_order <= kCutNamesBeforeDropOrder) &&
        layout.widths[0] > kShortFirstColumn) {
      const std::size_t excess = layout.total() - width;
      layout.widths[0] = layout.widths[0] > excess + kShortFirstColumn ? layout.widths[0] - excess
                                                                       : kShortFirstColumn;
      continue;
    }
    if (drop == 0) break;
    out.dropped.push_back(columns[layout.shown[drop]].header);
    layout.shown.erase(layout.shown.begin() + static_cast<std::ptrdiff_t>(drop));
    layout.widths.erase(layout.widths.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  // Still too wide: cut the first column's names.
  if (width > 0 && layout.total() > width && layout.widths[0] > kMinFirstColumn) {
    const std::size_t excess = layout.total() - width;
    layout.widths[0] =
        layout.widths[0] > excess + kMinFirstColumn ? layout.widths[0] - excess : kMinFirstColumn;
  }
  const std::string ellipsis(style.ellipsis());
  // A row as plain padded text; a spanning row's text is added after it.
  const auto prefix_of = [&](const std::vector<std::string>& row_cells, bool spanning) {
    std::string line;
    for (std::size_t i = 0; i < layout.shown.size() && (i == 0 || !spanning); ++i) {
      const std::size_t c = layout.shown[i];
      line += (i ? std::string(kGap, ' ') : std::string()) +
              padded(truncate_to_width(row_cells[c], layout.widths[i], ellipsis), layout.widths[i],
                     columns[c].right_aligned);
    }
    line = trim_right(std::move(line));
    // Narrower than even the first column: cut the line itself.
    return width > 0 ? truncate_to_width(line, width, ellipsis) : line;
  };
  std::vector<std::string> header;
  for (const auto& column : columns) header.push_back(style.in_charset(column.header));
  std::string text = style.paint(prefix_of(header, false), Colour::bold) + "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const TableRow& row = rows[r];
    if (row.spanning.empty()) {
      text += prefix_of(cells[r], false) + "\n";
      continue;
    }
    std::string line = padded(prefix_of(cells[r], true), layout.widths[0], false);
    std::string span = style.in_charset(row.spanning);
    const std::size_t taken = display_width(line) + kGap;
    if (width > 0) span = taken < width ? truncate_to_width(span, width - taken, ellipsis) : "";
    if (!span.empty()) line += std::string(kGap, ' ') + style.paint(span, row.colour);
    text += trim_right(std::move(line)) + "\n";
  }
  out.text = std::move(text);
  return out;
}

std::string wrap_to_width(std::string_view text, std::size_t width) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  std::size_t paragraph_start = 0;
  while (paragraph_start <= text.size()) {
    std::size_t paragraph_end = text.find('\n', paragraph_start);
    if (paragraph_end == std::string_view::npos) paragraph_end = text.size();
    const std::string_view paragraph =
        text.substr(paragraph_start, paragraph_end - paragraph_start);
    std::string line;
    std::size_t at = 0;
    while (at < paragraph.size()) {
      std::size_t end = paragraph.find(' ', at);
      if (end == std::string_view::npos) end = paragraph.size();
      std::string word(paragraph.substr(at, end - at));
      at = end + 1;
      if (word.empty()) continue;
      if (width > 0 && !line.empty() && display_width(line) + 1 + display_width(word) > width) {
        out += line + "\n";
        line.clear();
      }
      if (width > 0 && display_width(word) > width) word = truncate_to_width(word, width, "");
      line += (line.empty() ? "" : " ") + word;
    }
    out += line + "\n";
    if (paragraph_end == text.size()) break;
    paragraph_start = paragraph_end + 1;
  }
  return out;
}

}  // namespace costops::host::console

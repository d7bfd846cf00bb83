// Fixed-width tables for a terminal or a CI log, the way hyperfine and
// Google Benchmark print theirs: cells padded by display width (µs, ×, → are
// one column each, not two or three bytes), and on a terminal narrower than
// the table the least important columns are left out rather than letting a
// line wrap (a wrapped line cannot be erased by the next live progress line).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/terminal_style.hpp"

namespace costops::host::console {

struct TableColumn {
  std::string header;
  bool right_aligned = false;
  // 0: always shown. Higher numbers are left out first when the table is
  // wider than the terminal (ties: the rightmost first).
  int drop_order = 0;
};

struct TableRow {
  // One cell per column, plain text (no escape codes); "" is "nothing to
  // show" and printed as the table's empty mark ("–", "-" in ASCII, unless
  // render_table is given another).
  std::vector<std::string> cells;
  // Not empty: the row is cells[0] and then this text across the remaining
  // columns (a target that failed: its status and reason), in `colour`.
  std::string spanning;
  Colour colour = Colour::none;
};

struct RenderedTable {
  std::string text;                  // lines ending in '\n', none with trailing spaces
  std::vector<std::string> dropped;  // headers of the columns left out for width
};

// `rows` under `columns`' headers in `style` (colour, charset), at most
// `width` columns wide (0: no limit, e.g. a CI log). A column empty in every
// row is left out; then, while too wide, the column with the highest
// drop_order; then the first column's text is cut (with an ellipsis); a
// spanning text is cut to the room left.
RenderedTable render_table(const std::vector<TableColumn>& columns,
                           const std::vector<TableRow>& rows, const TerminalStyle& style,
                           std::size_t width, const char* empty_mark = nullptr);

// `text` broken at spaces into lines of at most `width` columns (0: one
// line); a word longer than the width is cut. Each line ends in '\n'.
std::string wrap_to_width(std::string_view text, std::size_t width);

}  // namespace costops::host::console

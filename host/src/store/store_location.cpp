#include "costops/host/store/store_location.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#include "costops/host/result_store.hpp"

namespace costops::host {

namespace {

using Range = std::pair<std::size_t, std::size_t>;  // [first, last) of text to remove

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The user-info password of each postgres(ql):// URL in `text`: ":secret"
// in "postgresql://user:secret@host/db".
void url_password_ranges(const std::string& text, std::vector<Range>& out) {
  for (const char* scheme : {"postgresql://", "postgres://"})
    for (auto at = text.find(scheme); at != std::string::npos; at = text.find(scheme, at + 1)) {
      const std::size_t authority = at + std::strlen(scheme);
      std::size_t end = authority;
      while (end < text.size() && text[end] != '/' && text[end] != '?' && !is_space(text[end]))
        ++end;
      const auto user_end = text.rfind('@', end == 0 ? 0 : end - 1);
      if (user_end == std::string::npos || user_end < authority) continue;
      const auto colon = text.find(':', authority);
      if (colon < user_end) out.emplace_back(colon, user_end);
    }
}

// Each `password=value` (a URL parameter or a key=value pair, the value
// possibly 'quoted'), with the separator before or after it.
void keyword_password_ranges(const std::string& text, std::vector<Range>& out) {
  static const std::string key = "password";
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    std::size_t value = at + key.size();
    while (value < text.size() && is_space(text[value])) ++value;
    if (value >= text.size() || text[value] != '=') continue;
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_'))
      continue;  // "old_password=" is another word
    ++value;
    while (value < text.size() && is_space(text[value])) ++value;
    std::size_t end = value;
    if (end < text.size() && text[end] == '\'') {  // a quoted conninfo value, \' escaped
      for (++end; end < text.size() && text[end] != '\''; ++end)
        if (text[end] == '\\') ++end;
      end = std::min(end + 1, text.size());
    } else {
      while (end < text.size() && text[end] != '&' && !is_space(text[end])) ++end;
    }
    std::size_t first = at;
    if (first > 0 && text[first - 1] == '&') {
      --first;
    } else if (end < text.size() && text[end] == '&') {
      ++end;
    } else {
      while (first > 0 && is_space(text[first - 1])) --first;
    }
    out.emplace_back(first, end);
  }
}

// The text without the ranges (merged where they overlap).
std::string without_ranges(const std::string& text, std::vector<Range> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  std::size_t next = 0;
  for (const auto& [first, last] : ranges) {
    if (first > next) out.append(text, next, first - next);
    next = std::max(next, last);
  }
  if (next < text.size()) out.append(text, next, std::string::npos);
  if (out.ends_with('?')) out.pop_back();  // "db?password=x" -> "db"
  return out;
}

// "host=db dbname=x": starts with a keyword and '=', as libpq's own test does.
bool looks_like_conninfo(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  const std::size_t word = i;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
    ++i;
  if (i == word) return false;
  while (i < text.size() && is_space(text[i])) ++i;
  return i < text.size() && text[i] == '=';
}

}  // namespace

std::string without_store_passwords(const std::string& text) {
  std::vector<Range> ranges;
  url_password_ranges(text, ranges);
  keyword_password_ranges(text, ranges);
  return ranges.empty() ? text : without_ranges(text, std::move(ranges));
}

StoreLocation::StoreLocation(const std::string& text)
    : connection_(text), display_(without_store_passwords(text)) {
  if (text.empty()) throw HistoryError("no result store given: --history FILE or URL");
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    engine_ = StoreEngine::postgres;
    return;
  }
  if (looks_like_conninfo(text)) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
    PQconninfoFree(options);
    if (!options) {
      std::string why = error ? error : "out of memory";
      PQfreemem(error);
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      throw HistoryError("--history `" + display_ +
                         "` looks like a PostgreSQL key=value connection string, but libpq "
                         "refuses it: " +
                         why + ". To name an SQLite file whose name has a '=', write ./" +
                         display_);
    }
    engine_ = StoreEngine::postgres;
    return;
  }
  if (text.find("://") != std::string::npos)
    throw HistoryError("--history `" + display_ +
                       "` is neither a PostgreSQL URL (postgresql:// or postgres://) nor a file "
                       "path; for an SQLite file whose name has \"://\", write ./" +
                       display_);
}

void scrub_store_passwords_in_argv(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string original = argv[i];
    const std::string clean = without_store_passwords(original);
    if (clean == original) continue;
    // Same memory, shorter text, NUL padding: the kernel shows what is there.
    std::memcpy(argv[i], clean.c_str(), clean.size());
    std::memset(argv[i] + clean.size(), 0, original.size() - clean.size());
  }
}

}  // namespace costops::host

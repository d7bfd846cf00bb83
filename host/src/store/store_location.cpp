#include "costops/host/store/store_location.hpp"

#include <libpq-fe.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
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

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// The user-info password of every URL in `text`, whatever its scheme or
// case ("postgresql://", "POSTGRES://", a mistyped "postgresql:/", another
// database's "mysql://"): ":secret" in "postgresql://user:secret@host/db".
// libpq takes the user information up to the first '@' before a '/', and
// nothing else ends it: a '?', '#', '&' or a space is part of the password.
// The range runs to the last '@' before that '/', so that a password with an
// unencoded '@' is removed whole too.
void url_password_ranges(const std::string& text, std::vector<Range>& out,
                         std::vector<Range>& values) {
  for (auto colon = text.find(":/"); colon != std::string::npos;
       colon = text.find(":/", colon + 1)) {
    std::size_t scheme = colon;
    while (scheme > 0 && is_scheme_char(text[scheme - 1])) --scheme;
    if (scheme == colon || !std::isalpha(static_cast<unsigned char>(text[scheme]))) continue;
    std::size_t authority = colon + 1;
    while (authority < text.size() && text[authority] == '/') ++authority;
    std::size_t end = authority;
    while (end < text.size() && text[end] != '/' && text[end] != '\n') ++end;
    auto user_end = text.rfind('@', end == 0 ? 0 : end - 1);
    const auto password = text.find(':', authority);
    if (user_end == std::string::npos || user_end < authority) {
      // No '@' before the first '/': libpq then reads "u:pa" of
      // "postgresql://u:pa/ss@h/db" as host and port, but the text holds a
      // password with an unencoded '/'. What follows ':' is no port (not
      // digits), and an '@' comes before the query: remove up to it.
      if (password >= end) continue;
      const bool port = std::all_of(text.begin() + static_cast<long>(password + 1),
                                    text.begin() + static_cast<long>(end), [](char c) {
                                      return std::isdigit(static_cast<unsigned char>(c)) ||
                                             c == ',' || c == ':' || c == ']';
                                    });
      const auto query = text.find_first_of("? \t\n", end);
      user_end = text.find('@', end);
      if (port || user_end == std::string::npos || user_end > query) continue;
    }
    if (password >= user_end) continue;
    out.emplace_back(password, user_end);
    values.emplace_back(password + 1, user_end);
  }
}

// A keyword as libpq reads it in a URL's query: percent-decoded.
std::string percent_decoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The keywords whose values are secrets: the login password and the
// passphrase of an SSL client key.
bool is_secret_keyword(const std::string& keyword) {
  const std::string decoded = percent_decoded(keyword);
  return decoded == "password" || decoded == "sslpassword";
}

// Each `password=value` or `sslpassword=value` (a URL parameter, its keyword
// possibly percent-encoded as libpq allows, or a key=value pair, the value
// possibly 'quoted' or with \-escaped spaces), with the separator before or
// after it.
void keyword_password_ranges(const std::string& text, std::vector<Range>& out,
                             std::vector<Range>& values) {
  for (auto equals = text.find('='); equals != std::string::npos;
       equals = text.find('=', equals + 1)) {
    std::size_t key_end = equals;
    while (key_end > 0 && is_space(text[key_end - 1])) --key_end;
    std::size_t at = key_end;
    while (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
                      text[at - 1] == '_' || text[at - 1] == '%'))
      --at;
    if (at == key_end || !is_secret_keyword(text.substr(at, key_end - at))) continue;
    std::size_t value = equals + 1;
    while (value < text.size() && is_space(text[value])) ++value;
    std::size_t end = value;
    if (end < text.size() && text[end] == '\'') {  // a quoted conninfo value, \' escaped
      for (++end; end < text.size() && text[end] != '\''; ++end)
        if (text[end] == '\\') ++end;
      end = std::min(end + 1, text.size());
    } else {  // unquoted: libpq's conninfo reads "\ " as a space of the value
      for (; end < text.size() && text[end] != '&' && !is_space(text[end]); ++end)
        if (text[end] == '\\' && end + 1 < text.size()) ++end;
    }
    values.emplace_back(value, end);
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

// Shorter secrets are removed only where libpq quotes them: replacing every
// "ab" in a message would garble it and hide nothing.
constexpr std::size_t kShortestSecretByValue = 4;

}  // namespace

std::string without_store_passwords(const std::string& text) {
  std::vector<Range> ranges, values;
  url_password_ranges(text, ranges, values);
  keyword_password_ranges(text, ranges, values);
  return ranges.empty() ? text : without_ranges(text, std::move(ranges));
}

std::string without_store_secrets(const std::string& message, const std::string& location) {
  std::vector<Range> ranges, values;
  url_password_ranges(location, ranges, values);
  keyword_password_ranges(location, ranges, values);
  std::vector<std::string> secrets;
  for (const auto& [first, last] : values) {
    std::string value = location.substr(first, last - first);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
      value = value.substr(1, value.size() - 2);
    // A password libpq misparsed reaches its messages in pieces ("u:pa/ss@h"
    // becomes the port "pa").
    for (std::size_t from = 0, slash = 0; slash != std::string::npos; from = slash + 1) {
      slash = value.find('/', from);
      if (slash != std::string::npos) secrets.push_back(value.substr(from, slash - from));
    }
    secrets.push_back(percent_decoded(value));
    secrets.push_back(std::move(value));
  }
  if (const char* environment = environment_password()) secrets.emplace_back(environment);
  // Longest first, so that a secret containing another is removed whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out = without_store_passwords(message);
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    // A short one only as libpq quotes a value ("\"pa\""), a longer one anywhere.
    const std::string needle = secret.size() < kShortestSecretByValue ? '"' + secret + '"' : secret;
    const std::string hidden = needle.front() == '"' ? "\"***\"" : "***";
    for (auto at = out.find(needle); at != std::string::npos;
         at = out.find(needle, at + hidden.size()))
      out.replace(at, needle.size(), hidden);
  }
  return out;
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
                         without_store_secrets(why, text) +
                         ". To name an SQLite file whose name has a '=', write ./" + display_);
    }
    engine_ = StoreEngine::postgres;
    return;
  }
  // "scheme:/...": a URL, never a file name, even when mistyped
  // ("postgresql:/u:pw@db", "POSTGRES://") or another database's: as a file
  // name it would create directories named after the password.
  std::size_t scheme = 0;
  while (scheme < text.size() && is_scheme_char(text[scheme])) ++scheme;
  if (scheme > 0 && std::isalpha(static_cast<unsigned char>(text[0])) &&
      text.compare(scheme, 2, ":/") == 0)
    throw HistoryError("--history `" + display_ +
                       "` is neither a PostgreSQL URL (postgresql:// or postgres://, in lower "
                       "case) nor a file path; for an SQLite file whose name has \":/\", write "
                       "./" +
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

namespace {
std::string& hidden_password() {
  static std::string password;
  return password;
}
bool password_hidden = false;
}  // namespace

void hide_environment_password() {
  static const std::string prefix = "PGPASSWORD=";
  for (char** entry = environ; entry && *entry; ++entry) {
    if (std::strncmp(*entry, prefix.c_str(), prefix.size()) != 0) continue;
    char* value = *entry + prefix.size();
    hidden_password() = value;
    password_hidden = true;
    std::memset(value, 0, std::strlen(value));  // the bytes /proc/PID/environ shows
  }
  if (password_hidden) ::unsetenv("PGPASSWORD");
}

const char* environment_password() {
  if (password_hidden) return hidden_password().c_str();
  return std::getenv("PGPASSWORD");
}

}  // namespace costops::host

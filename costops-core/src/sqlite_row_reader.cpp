#include "sqlite_row_reader.hpp"

#include <cstdio>

#include "costops/core/storage.hpp"

namespace costops::core::detail {

namespace {

// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in Unix milliseconds.
constexpr std::int64_t kFirstMs = -62'167'219'200'000;
constexpr std::int64_t kEndMs = 253'402'300'800'000;

std::string column_string(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
              : std::string();
}

}  // namespace

SqliteRowReader::SqliteRowReader(sqlite3_stmt* statement, const char* table, int id_column)
    : statement_(statement), table_(table), row_id_("(unknown id)") {
  row_id_ = text(id_column);
}

bool SqliteRowReader::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::string SqliteRowReader::describe_value(int column) const {
  switch (sqlite3_column_type(statement_, column)) {
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_INTEGER:
      return "the integer " + std::to_string(sqlite3_column_int64(statement_, column));
    case SQLITE_FLOAT: {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", sqlite3_column_double(statement_, column));
      return std::string("the real number ") + text;
    }
    case SQLITE_TEXT: {
      std::string value = column_string(statement_, column);
      std::string shown;
      for (char c : value.substr(0, 64))  // control bytes stay out of messages
        shown.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
      return "the text '" + shown + (value.size() > 64 ? "...'" : "'");
    }
    default:
      return "a BLOB of " + std::to_string(sqlite3_column_bytes(statement_, column)) + " bytes";
  }
}

void SqliteRowReader::refuse(int column, const std::string& why) const {
  const char* name = sqlite3_column_name(statement_, column);
  throw StorageError(std::string(table_) + " row " + row_id_ + ", column " + (name ? name : "?") +
                     ": " + describe_value(column) + " " + why +
                     "; the row was not written by costops-core: correct or delete it");
}

void SqliteRowReader::require_type(int column, int type, const char* expected) const {
  if (sqlite3_column_type(statement_, column) != type)
    refuse(column, std::string("is not ") + expected);
}

std::string SqliteRowReader::text(int column) const {
  require_type(column, SQLITE_TEXT, "TEXT");
  return column_string(statement_, column);
}

std::string SqliteRowReader::optional_text(int column) const {
  return is_null(column) ? std::string() : text(column);
}

std::uint64_t SqliteRowReader::count(int column) const {
  require_type(column, SQLITE_INTEGER, "an INTEGER count");
  const std::int64_t value = sqlite3_column_int64(statement_, column);
  if (value < 0) refuse(column, "is negative; a count is 0 or more");
  return static_cast<std::uint64_t>(value);
}

std::optional<std::uint64_t> SqliteRowReader::optional_count(int column) const {
  if (is_null(column)) return std::nullopt;
  return count(column);
}

Timestamp SqliteRowReader::timestamp(int column) const {
  require_type(column, SQLITE_INTEGER, "an INTEGER of Unix milliseconds");
  const std::int64_t ms = sqlite3_column_int64(statement_, column);
  if (ms < kFirstMs || ms >= kEndMs)
    refuse(column, "lies outside the years 0000 to 9999 (as Unix milliseconds)");
  return from_unix_ms(ms);
}

std::optional<Timestamp> SqliteRowReader::optional_timestamp(int column) const {
  if (is_null(column)) return std::nullopt;
  return timestamp(column);
}

Decimal SqliteRowReader::decimal(int column) const {
  require_type(column, SQLITE_TEXT, "TEXT holding an exact decimal");
  try {
    return Decimal::parse(column_string(statement_, column));
  } catch (const DecimalError& e) {
    refuse(column, std::string("is not an exact decimal (") + e.what() + ")");
  }
}

Currency SqliteRowReader::currency(int column) const {
  const std::string code = text(column);
  try {
    return Currency::from_code(code);
  } catch (const std::invalid_argument&) {
    refuse(column, "is not a currency code: three letters such as USD or EUR");
  }
}

}  // namespace costops::core::detail

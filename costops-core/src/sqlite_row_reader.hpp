// Reads one row of a SQLite result strictly, by declared type: what another
// program wrote into the database is taken only when it is exactly what
// this library would have written. SQLite converts silently between types
// (a REAL 1.5 reads as the integer 1, the text '2024-01-01T00:00:00Z' as the
// integer 2024, a negative count as 2^64 - 5 once cast to unsigned); here
// each is refused with a StorageError naming the table, the row id, the
// column and the value found.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "costops/core/decimal.hpp"
#include "costops/core/domain.hpp"
#include "costops/core/timestamp.hpp"

namespace costops::core::detail {

class SqliteRowReader {
 public:
  // `table` names the table in messages; the row id is read from column
  // `id_column` (TEXT) first, so every later error can name it.
  SqliteRowReader(sqlite3_stmt* statement, const char* table, int id_column);

  const std::string& row_id() const { return row_id_; }

  // TEXT; NULL only where the column may be empty (read as "").
  std::string text(int column) const;
  std::string optional_text(int column) const;
  // INTEGER from 0 to INT64_MAX (the counts a repository stores).
  std::uint64_t count(int column) const;
  std::optional<std::uint64_t> optional_count(int column) const;
  // INTEGER Unix milliseconds within years 0000..9999 (what RFC 3339 spells).
  Timestamp timestamp(int column) const;
  std::optional<Timestamp> optional_timestamp(int column) const;
  // TEXT that Decimal::parse reads (exact money).
  Decimal decimal(int column) const;
  // TEXT of three letters (ISO 4217).
  Currency currency(int column) const;

  // Throws StorageError: "<table> row <id>, column <name>: <value> <why>".
  [[noreturn]] void refuse(int column, const std::string& why) const;

 private:
  bool is_null(int column) const;
  void require_type(int column, int type, const char* expected) const;
  std::string describe_value(int column) const;

  sqlite3_stmt* statement_;
  const char* table_;
  std::string row_id_;
};

}  // namespace costops::core::detail

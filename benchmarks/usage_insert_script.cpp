// Writes an SQL script of INSERT statements, inside one transaction, for the
// same synthetic usage records the storage targets insert, and creates the
// empty, migrated database they go into. storage_vs_sqlite3_shell.sh feeds
// the script to the sqlite3 shell to compare with storage_batch_1000.
// usage: usage_insert_script DATABASE ROWS [ROWS_PER_TRANSACTION] > script.sql
#include <costops/core/domain_json.hpp>
#include <costops/core/storage.hpp>

#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "workloads.hpp"

namespace {

// (Not named `quoted`: argument-dependent lookup would find std::quoted.)
std::string sql_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string optional_text(const std::string& text) {
  return text.empty() ? "NULL" : sql_literal(text);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace costops::core;
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: usage_insert_script DATABASE ROWS [ROWS_PER_TRANSACTION] > script.sql\n";
    return 2;
  }
  { Database db(argv[1]); }  // creates and migrates the schema
  const auto rows = std::stoull(argv[2]);
  const auto per_transaction = argc == 4 ? std::stoull(argv[3]) : rows;
  std::size_t in_transaction = 0;
  for (const UsageRecord& r : costops::workloads::synthetic_usage(
           rows, 3, parse_timestamp("2025-05-01T00:00:00Z"), std::chrono::seconds(10))) {
    if (in_transaction == 0) std::cout << "BEGIN;\n";
    boost::json::array tags;
    for (const auto& t : r.tags) tags.emplace_back(t);
    std::cout << "INSERT INTO usage_records (id, timestamp_ms, provider, model, organization_id, "
                 "project_id, "
                 "user_id, prompt_tokens, completion_tokens, total_tokens, cache_read_tokens, "
                 "cache_write_tokens, reasoning_tokens, latency_ms, time_to_first_token_ms, tags, "
                 "metadata) VALUES ("
              << sql_literal(r.id) << ", " << to_unix_ms(r.timestamp) << ", "
              << sql_literal(provider_name(r.provider)) << ", " << sql_literal(r.model) << ", "
              << sql_literal(r.organization_id) << ", " << optional_text(r.project_id) << ", "
              << optional_text(r.user_id) << ", " << r.tokens.prompt << ", " << r.tokens.completion
              << ", " << r.total_tokens << ", " << r.tokens.cache_read << ", "
              << r.tokens.cache_write << ", " << r.tokens.reasoning << ", "
              << (r.latency_ms ? std::to_string(*r.latency_ms) : "NULL") << ", NULL, "
              << sql_literal(boost::json::serialize(tags)) << ", '{}');\n";
    if (++in_transaction == per_transaction) {
      std::cout << "COMMIT;\n";
      in_transaction = 0;
    }
  }
  if (in_transaction != 0) std::cout << "COMMIT;\n";
  return 0;
}

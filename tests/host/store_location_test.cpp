// Secrets: a store password given on the command line is used to connect
// and shown nowhere; libpq key=value strings are PostgreSQL, never a file.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>

#include "costops/host/result_store.hpp"
#include "costops/host/store/store_location.hpp"

using namespace costops::host;

TEST_CASE("passwords are removed from URLs, parameters and key=value strings") {
  CHECK(without_store_passwords("postgresql://bench:s3cret@db.internal:5432/costops") ==
        "postgresql://bench@db.internal:5432/costops");
  CHECK(without_store_passwords("--history=postgres://u:p%40ss@h/db?sslmode=require") ==
        "--history=postgres://u@h/db?sslmode=require");
  CHECK(without_store_passwords("postgresql://u@h/db?password=x&sslmode=require") ==
        "postgresql://u@h/db?sslmode=require");
  CHECK(without_store_passwords("postgresql://u@h/db?sslmode=require&password=x") ==
        "postgresql://u@h/db?sslmode=require");
  CHECK(without_store_passwords("postgresql://u@h/db?password=x") == "postgresql://u@h/db");
  CHECK(without_store_passwords("host=db password=hunter2 dbname=costops") ==
        "host=db dbname=costops");
  CHECK(without_store_passwords("host=db password = 'a b\\' c' dbname=x") == "host=db dbname=x");
  // A user name with ':' in a socket path, and words that merely contain "password".
  CHECK(without_store_passwords("postgresql:///db?host=/run/pg") ==
        "postgresql:///db?host=/run/pg");
  CHECK(without_store_passwords("old_password=keep") == "old_password=keep");
  CHECK(without_store_passwords("history.db") == "history.db");
}

TEST_CASE("key=value strings and both URL schemes are PostgreSQL; other text a file or an error") {
  CHECK(StoreLocation("postgresql://h/db").is_postgres());
  CHECK(StoreLocation("postgres://h/db").is_postgres());
  const StoreLocation conninfo("host=/tmp dbname=costops user=bench password=s3cret");
  CHECK(conninfo.is_postgres());
  CHECK(conninfo.display() == "host=/tmp dbname=costops user=bench");
  CHECK(conninfo.connection_text().find("s3cret") != std::string::npos);
  CHECK_FALSE(StoreLocation("history.db").is_postgres());
  CHECK_FALSE(StoreLocation("./a=b.db").is_postgres());
  // Looks like key=value but libpq knows no such key: refused, with the way out.
  CHECK_THROWS_WITH_AS(StoreLocation("a=b.db"), doctest::Contains("./a=b.db"), HistoryError);
  CHECK_THROWS_WITH_AS(StoreLocation("mysql://u@h/db"),
                       doctest::Contains("neither a PostgreSQL URL"), HistoryError);
  CHECK_THROWS_AS(StoreLocation(""), HistoryError);
}

TEST_CASE("a key=value string that cannot connect creates no file and shows no password") {
  const std::string text = "host=/nonexistent-socket-dir dbname=x password=s3cret";
  std::string message;
  try {
    open_result_store(text, {StoreAccess::write, 2});
  } catch (const HistoryError& e) {
    message = e.what();
  }
  CHECK(message.find("cannot connect to the result store") != std::string::npos);
  CHECK(message.find("s3cret") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(text));
}

TEST_CASE("the process's own argument memory loses the password") {
  char program[] = "cost-ops";
  char url[] = "--history=postgresql://u:s3cret@h/db";
  char other[] = "--quiet";
  char* argv[] = {program, url, other, nullptr};
  scrub_store_passwords_in_argv(3, argv);
  CHECK(std::string(argv[1]) == "--history=postgresql://u@h/db");
  CHECK(std::string(url, sizeof url - 1).find("s3cret") == std::string::npos);
  CHECK(std::string(argv[2]) == "--quiet");
}

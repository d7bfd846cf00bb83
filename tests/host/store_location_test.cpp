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

TEST_CASE("a password is removed whatever it holds and however the location is spelled") {
  // libpq takes the user information up to the first '@' before a '/':
  // '?', '&', '#' and spaces are part of the password.
  CHECK(without_store_passwords("postgresql://u:pa?ss@h/db") == "postgresql://u@h/db");
  CHECK(without_store_passwords("postgresql://u:a&b#c@h/db?sslmode=require") ==
        "postgresql://u@h/db?sslmode=require");
  CHECK(without_store_passwords("postgresql://u:my secret@h/db") == "postgresql://u@h/db");
  CHECK(without_store_passwords("postgresql://u:p@ss@[::1]:5432/db") ==
        "postgresql://u@[::1]:5432/db");
  // An unencoded '/' in the password: libpq misreads it as host and port,
  // and it must not be written anywhere either. A port stays.
  CHECK(without_store_passwords("postgresql://u:pa/ss@h/db") == "postgresql://u@h/db");
  CHECK(without_store_passwords("postgresql://h:5432/my@db") == "postgresql://h:5432/my@db");
  CHECK(without_store_passwords("postgresql://h1:5432,h2:5433/db?user=a@b") ==
        "postgresql://h1:5432,h2:5433/db?user=a@b");
  // A query keyword may be percent-encoded; sslpassword is a secret too.
  CHECK(without_store_passwords("postgresql://u@h/db?pass%77ord=hunter2") == "postgresql://u@h/db");
  CHECK(without_store_passwords("postgresql://u@h/db?sslmode=verify-full&sslpassword=keypass") ==
        "postgresql://u@h/db?sslmode=verify-full");
  CHECK(without_store_passwords("host=db sslpassword=keypass user=u") == "host=db user=u");
  // An unquoted conninfo value continues after an escaped space.
  CHECK(without_store_passwords("host=db password=my\\ secret user=u") == "host=db user=u");
  // Mistyped or foreign schemes: still a URL, still no password.
  CHECK(without_store_passwords("POSTGRESQL://u:s3cret@h/db") == "POSTGRESQL://u@h/db");
  CHECK(without_store_passwords("postgresql:/u:s3cret@h/db") == "postgresql:/u@h/db");
  CHECK(without_store_passwords("mysql://u:s3cret@h/db") == "mysql://u@h/db");
  CHECK(without_store_passwords("/var/lib/costops/history.db") == "/var/lib/costops/history.db");
  CHECK(without_store_passwords("postgresql://h:5432/db?host=/run/postgresql") ==
        "postgresql://h:5432/db?host=/run/postgresql");
}

TEST_CASE("a malformed location is refused without its password and is never a file") {
  for (const std::string text : {"postgresql:/u:s3cret@h/db", "POSTGRESQL://u:s3cret@h/db",
                                 "mysql://u:s3cret@h/db", "Postgres:/u:s3cret@h"}) {
    CAPTURE(text);
    std::string message;
    try {
      StoreLocation{text};
    } catch (const HistoryError& e) {
      message = e.what();
    }
    CHECK(message.find("neither a PostgreSQL URL") != std::string::npos);
    CHECK(message.find("s3cret") == std::string::npos);
  }
  // libpq quotes the token it cannot decode: the message must not.
  std::string message;
  try {
    open_result_store("postgresql://u:s3cr%zzet@/db?host=/nonexistent-socket-dir",
                      {StoreAccess::write, 2});
  } catch (const HistoryError& e) {
    message = e.what();
  }
  CHECK(message.find("cannot connect") != std::string::npos);
  CHECK(message.find("s3cr") == std::string::npos);
  CHECK(without_store_secrets("token \"s3cr%zzet\"", "postgresql://u:s3cr%zzet@h/db") ==
        "token \"***\"");
  CHECK(without_store_secrets("token \"p@ss\"", "postgresql://u@h/db?password=p%40ss") ==
        "token \"***\"");
  // libpq reads "u:pa/ss@h" as host u, port "pa": the piece is quoted.
  CHECK(without_store_secrets("invalid integer value \"pa\" for connection option \"port\"",
                              "postgresql://u:pa/ss@h/db") ==
        "invalid integer value \"***\" for connection option \"port\"");
}

// Where the result store lives, as `--history` names it, and the one place
// that knows which text is secret. An SQLite file path, a PostgreSQL URL
// (`postgresql://` or `postgres://`) or a libpq key=value connection string
// (`host=db dbname=costops user=bench`, recognised by its first `key=`).
// The password a URL or a connection string may carry is kept in memory for
// libpq only; everything that is written, logged, stored or shown uses the
// display form, which has no password at all (so it can be pasted: libpq
// then takes the password from PGPASSFILE/~/.pgpass or PGSERVICE).
#pragma once

#include <string>

namespace costops::host {

enum class StoreEngine { sqlite, postgres };

class StoreLocation {
 public:
  // Throws HistoryError naming the text (without its password) when it is
  // neither a path nor a PostgreSQL location: another URL scheme, or a
  // key=value string libpq refuses.
  explicit StoreLocation(const std::string& text);

  StoreEngine engine() const { return engine_; }
  bool is_postgres() const { return engine_ == StoreEngine::postgres; }
  // The text with any password removed: for messages, files and columns.
  const std::string& display() const { return display_; }
  // The text as given, password included: for opening the store, nothing else.
  const std::string& connection_text() const { return connection_; }

 private:
  StoreEngine engine_ = StoreEngine::sqlite;
  std::string connection_, display_;
};

// `text` with the password of every PostgreSQL URL and every `password=`
// value in it removed: for command-line words, which may hold a location
// anywhere (`--history=postgresql://u:pw@h/db`).
std::string without_store_passwords(const std::string& text);

// `message` (libpq's, which may quote a token of a malformed location) with
// what without_store_passwords removes, and also every password of
// `location` and $PGPASSWORD wherever it appears, as typed or percent-decoded.
std::string without_store_secrets(const std::string& message, const std::string& location);

// Overwrites, in the process's own argument memory, each password that
// without_store_passwords would remove, so that `ps` and /proc/PID/cmdline
// do not show it. Call once in main, after copying the arguments.
void scrub_store_passwords_in_argv(int argc, char** argv);

// Moves $PGPASSWORD out of the process's environment into memory: the
// variable is removed and its bytes in the environment block overwritten, so
// that `ps e` and /proc/PID/environ do not show it and no child inherits it.
// The PostgreSQL engine hands it to libpq itself, before the location's own
// options, so a password in the location still wins, as in libpq. Call once
// in main, before any thread starts.
void hide_environment_password();

// The password hide_environment_password took, or $PGPASSWORD when it was
// not called; nullptr when there is none.
const char* environment_password();

}  // namespace costops::host

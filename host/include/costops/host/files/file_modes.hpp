// The permissions of what the host writes into an output directory.
//
// Results are meant to be read by others: a CI artifact uploader or a web
// server serving report.html often runs as another user. So files and
// directories are created readable as far as the user's umask allows, and
// never writable by anyone but their owner, whatever the umask (umask 000
// gives 0644 and 0755; umask 077 keeps them private: 0600 and 0700). The
// kernel applies the umask to these modes at creation.
//
// What holds secrets or run records is private whatever the umask and uses
// its own modes: the host key (0600 in 0700), the history outbox (0600 in
// 0700), the probe cache's lock.
#pragma once

namespace costops::host {

inline constexpr unsigned kOutputFileMode = 0644;
inline constexpr unsigned kOutputDirectoryMode = 0755;

}  // namespace costops::host

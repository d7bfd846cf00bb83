// The host trusts only what it wrote (issue 21, part 2), unit level: the
// hash and MAC against their published vectors, the safe opener against
// every kind of path, the signed journal and probe cache against tampering,
// raw/ ownership, and valid UTF-8 out of every text writer for any input.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "costops/host/atomic_file.hpp"
#include "costops/host/files/host_key.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/files/sha256.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/results_signature.hpp"
#include "costops/host/untrusted_text.hpp"

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

// Every test in this binary signs with a key of its own, never the user's.
const bool kOwnKey = [] {
  const fs::path key = fs::temp_directory_path() /
                       ("costops-test-host-key-" + std::to_string(::getpid())) / "host.key";
  ::setenv("COST_OPS_HOST_KEY", key.c_str(), 1);
  return true;
}();

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("costops-trust-" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::string hex_of(std::string_view text) {
  Sha256Digest d{};
  REQUIRE(text.size() == 32);
  for (std::size_t i = 0; i < 32; ++i) d[i] = static_cast<std::uint8_t>(text[i]);
  return to_hex(d);
}

std::string bytes_from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

bool is_valid_utf8(std::string_view text) {
  return valid_utf8(text) == text;
}

std::string message_of(const auto& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("sha256 and hmac-sha256 give the published test vectors") {
  CHECK(kOwnKey);
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 pieces;  // the same bytes in uneven pieces
  pieces.update("abcdbcdecdefdefgefghfghighijhijk");
  pieces.update("ijkljklmklmnlmnomnopnopq");
  CHECK(to_hex(pieces.finish()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
  CHECK(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(to_hex(hmac_sha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(hex_of(bytes_from_hex(to_hex(sha256("x")))) == to_hex(sha256("x")));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
}

TEST_CASE("the host key is made once, private, and its signatures bind the kind of file") {
  TempDir dir;
  const fs::path file = dir.path / "state" / "host.key";
  const std::string key = load_or_create_host_key(file);
  CHECK(key.size() == 32);
  CHECK(load_or_create_host_key(file) == key);  // the same key next time
  CHECK((fs::status(file).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
        fs::perms::none);
  const std::string tag = signature(key, SignedKind::baseline, "content");
  CHECK(signature_matches(key, SignedKind::baseline, "content", tag));
  CHECK_FALSE(signature_matches(key, SignedKind::baseline, "content!", tag));
  CHECK_FALSE(signature_matches(key, SignedKind::journal, "content", tag));
  CHECK_FALSE(signature_matches(key, SignedKind::results, "content", tag));
  // The key's public id: stable, 16 hex digits, not the key.
  CHECK(host_key_id(key) == host_key_id(key));
  CHECK(host_key_id(key).size() == 16);
  CHECK(host_key_id(key) != host_key_id(std::string(32, 'x')));
  ::chmod(file.c_str(), 0644);
  CHECK(message_of([&] { load_or_create_host_key(file); }).find("chmod 600") != std::string::npos);
  fs::remove(file);
  ::mkfifo(file.c_str(), 0600);  // a FIFO in the key's place never blocks
  CHECK(message_of([&] { load_or_create_host_key(file); }).find("FIFO") != std::string::npos);
}

TEST_CASE("a file COST_OPS_HOST_KEY names that is no key is never to be removed or chmodded") {
  // Like COST_OPS_HOST_KEY=/etc/hostname: not a key, and not the host's to change.
  TempDir dir;
  const fs::path file = dir.path / "hostname";
  std::ofstream(file) << "build-machine\n";
  ::chmod(file.c_str(), 0644);
  const std::string own_key = std::getenv("COST_OPS_HOST_KEY");  // kOwnKey's, put back
  ::setenv("COST_OPS_HOST_KEY", file.c_str(), 1);
  const std::string message = message_of([&] { load_or_create_host_key(file); });
  ::setenv("COST_OPS_HOST_KEY", own_key.c_str(), 1);
  CHECK(message.find("is not a host key (a host key is 32 bytes, this file 14)") !=
        std::string::npos);
  CHECK(message.find("point it at a key file of your own") != std::string::npos);
  CHECK(message.find("chmod") == std::string::npos);
  CHECK(message.find("remove it") == std::string::npos);
  CHECK(fs::file_size(file) == 14);  // untouched
  // Where the host keeps its own key, the advice to remove it stays.
  CHECK(message_of([&] { load_or_create_host_key(file); }).find("remove it") != std::string::npos);
}

TEST_CASE("a results.json is signed beside it, and a change, another key or none is told apart") {
  (void)kOwnKey;
  TempDir dir;
  const fs::path file = dir.path / "results.json";
  const std::string text = "{\"targets\": []}\n";
  write_signed_results_file(file, text);
  CHECK(fs::is_regular_file(signature_file(file)));
  CHECK(check_results_signature(file, text).state == SignatureCheck::State::matches);
  const SignatureCheck changed = check_results_signature(file, "{\"targets\": [1]}\n");
  CHECK(changed.state == SignatureCheck::State::mismatch);
  CHECK(changed.problem.find("does not match its signature (results.json.sig)") !=
        std::string::npos);
  // Signed elsewhere: the tag with another key's id.
  const std::string sidecar = read_regular_file(signature_file(file));
  std::ofstream(signature_file(file))
      << sidecar.substr(0, sidecar.find(' ')) << " 0123456789abcdef\n";
  CHECK(check_results_signature(file, text).state == SignatureCheck::State::foreign);
  std::ofstream(signature_file(file)) << sidecar.substr(0, sidecar.find(' ')) << " \x1b[2Jxx\n";
  CHECK(check_results_signature(file, text).state == SignatureCheck::State::mismatch);
  fs::remove(signature_file(file));
  CHECK(check_results_signature(file, text).state == SignatureCheck::State::unsigned_);
  ::mkfifo(signature_file(file).c_str(), 0600);  // never blocks
  const SignatureCheck fifo = check_results_signature(file, text);
  CHECK(fifo.state == SignatureCheck::State::mismatch);
  CHECK(fifo.problem.find("FIFO") != std::string::npos);
}

TEST_CASE("the safe opener refuses every path that is not a regular file, naming it") {
  TempDir dir;
  const fs::path file = dir.path / "file";
  std::ofstream(file) << "content";
  CHECK(read_regular_file(file) == "content");
  CHECK(open_regular_file(dir.path / "missing", O_RDONLY).get() < 0);
  ::mkfifo((dir.path / "fifo").c_str(), 0600);
  CHECK(message_of([&] { read_regular_file(dir.path / "fifo"); }).find("is a FIFO") !=
        std::string::npos);
  CHECK(message_of([&] { read_regular_file(dir.path); }).find("is a directory") !=
        std::string::npos);
  CHECK(message_of([&] { read_regular_file("/dev/null"); }).find("a character device") !=
        std::string::npos);
  fs::create_symlink(file, dir.path / "link");
  CHECK(message_of([&] { read_regular_file(dir.path / "link"); }).find("a symbolic link to") !=
        std::string::npos);
  fs::create_symlink(dir.path / "loop", dir.path / "loop");
  CHECK(describe_path_kind(dir.path / "loop") == "a symbolic link loop");
  fs::create_symlink("/dev/zero", dir.path / "zero");
  CHECK(describe_path_kind(dir.path / "zero") ==
        "a symbolic link to /dev/zero, a character device");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = (dir.path / "sock").string();
  if (socket_path.size() < sizeof address.sun_path) {
    std::copy(socket_path.begin(), socket_path.end(), address.sun_path);
    REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    CHECK(message_of([&] { read_regular_file(socket_path); }).find("socket") != std::string::npos);
  }
  ::close(sock);
  CHECK(message_of([&] { read_regular_file(file, 3); }).find("larger than 3 bytes") !=
        std::string::npos);
  // Appending and atomic writes replace or refuse, never open, what was planted.
  CHECK_THROWS_AS(append_line(dir.path / "fifo", "line"), FileWriteError);
  write_file_atomically(dir.path / "fifo", "now a file");
  CHECK(read_regular_file(dir.path / "fifo") == "now a file");
}

TEST_CASE("the journal is signed line by line; tampering refuses it, a torn line is reported") {
  TempDir dir;
  TargetResult finished;
  finished.target_id = "finished_target";
  finished.status = TargetStatus::failed;
  finished.reason = "setup failed";
  {
    OutputDirectory out(dir.path / "out");
    out.start_journal(3);
    out.write_journal_entry(finished);
  }
  const fs::path journal = dir.path / "out" / kJournalFile;
  const StoredRun partial = load_stored_run(dir.path / "out");
  CHECK(partial.partial == "partial run: 1 of 3 targets, host did not finish");
  REQUIRE(partial.targets.size() == 1);
  CHECK(partial.targets[0].target_id == "finished_target");
  const std::string text = read_regular_file(journal);
  std::ofstream(journal, std::ios::app) << "{\"mac\":\"12";  // the host died mid-line
  CHECK(load_stored_run(dir.path / "out").partial.find("line 3 is cut short") != std::string::npos);
  std::string altered = text;
  altered.replace(altered.find("setup failed"), 12, "setup passed");
  std::ofstream(journal, std::ios::trunc) << altered;
  CHECK(message_of([&] { load_stored_run(dir.path / "out"); }).find("line 2 is not signed") !=
        std::string::npos);
}

TEST_CASE("the run owns raw/: records it did not write do not survive it") {
  TempDir dir;
  OutputDirectory out(dir.path / "out");
  std::ofstream(dir.path / "out" / "raw" / "ghost_target.json") << "{}";
  fs::create_directories(dir.path / "out" / "raw" / "planted_dir.json");
  SuiteReport report;
  report.host_version = "test";
  out.write_suite_files(report, false);
  CHECK(fs::is_empty(dir.path / "out" / "raw"));
  CHECK(fs::is_regular_file(dir.path / "out" / "results.json"));
  CHECK_FALSE(fs::exists(dir.path / "out" / kJournalFile));
}

TEST_CASE("a cut of a child's last line never splits a character") {
  const std::string line = std::string(299, 'x') + "\xE2\x82\xAC\xE2\x82\xAC";
  const std::string cut = last_output_line("first\n" + line + "\n\n", 300);
  CHECK(cut == std::string(299, 'x') + "...");
  CHECK(last_output_line("short \xFF\n", 300) == "short \xEF\xBF\xBD");
  CHECK(last_output_line("\n\n", 300).empty());
}

TEST_CASE("random bytes through every text writer give valid UTF-8 (property)") {
  std::mt19937 random(20261202);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 64);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) text += static_cast<char>(byte(random));
    boost::json::object doc{{"reason", text}, {"nested", boost::json::array{text, 1.5}}};
    doc[text] = "as a key";
    for (const std::string& json : {to_pretty_json(doc), to_compact_json(doc)}) {
      REQUIRE(is_valid_utf8(json));
      boost::system::error_code ec;
      boost::json::parse(json, ec);
      REQUIRE_FALSE(ec);
    }
    REQUIRE(is_valid_utf8(markdown_escaped(text)));
    REQUIRE(is_valid_utf8(html_escaped(text)));
    const std::string one_line = for_terminal(text, false);
    REQUIRE(is_valid_utf8(one_line));
    for (const char c : one_line) {
      const auto u = static_cast<unsigned char>(c);
      REQUIRE((u >= 0x20 && u != 0x7F));
    }
    REQUIRE(is_valid_utf8(last_output_line(text, 300)));
  }
}

TEST_CASE("a name cannot read as another on a terminal (bidirectional overrides)") {
  // "Trojan Source": U+202E turns what follows around on screen.
  CHECK(for_terminal("safe\u202Egnp.exe") == "safegnp.exe");
  CHECK(for_terminal("a\u2066b\u2069c\u200Fd\u061Ce") == "abcde");
  CHECK(for_terminal("one\u2028two\u2029three", false) == "one two three");
  CHECK(for_terminal("\u00e9\u20ac\u2030") == "\u00e9\u20ac\u2030");  // other text stays
}

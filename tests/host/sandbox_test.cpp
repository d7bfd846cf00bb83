// The worker sandbox below the end-to-end tests: sizes and limits as the
// options spell them, the environment allowlist, and a shell run through
// run_child in the sandbox seeing only what the allowlist, the descriptor
// layer and the limits leave it.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "costops/host/child_process.hpp"
#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/isolation_report.hpp"
#include "costops/host/sandbox/namespace_init.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"
#include "costops/host/sandbox/worker_sandbox.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;
using namespace costops::host::sandbox;

TEST_CASE("sizes are read as the limit options spell them") {
  CHECK(parse_byte_size("4G") == std::uint64_t{4} << 30);
  CHECK(parse_byte_size("512MiB") == std::uint64_t{512} << 20);
  CHECK(parse_byte_size("64k") == std::uint64_t{64} << 10);
  CHECK(parse_byte_size("1000") == 1000);
  CHECK(parse_byte_size("none") == 0);
  CHECK_FALSE(parse_byte_size("12X"));
  CHECK_FALSE(parse_byte_size(""));
  CHECK_FALSE(parse_byte_size("G"));
  CHECK_FALSE(parse_byte_size("-1G"));
  CHECK_FALSE(parse_byte_size("99999999999T"));  // would overflow
  CHECK(describe_byte_size(std::uint64_t{1} << 30) == "1 GiB");
  CHECK(describe_byte_size(std::uint64_t{256} << 20) == "256 MiB");
  CHECK(describe_byte_size(1000) == "1000 bytes");
  CHECK(default_memory_limit() > 0);
}

TEST_CASE("the worker's environment is the allowlist and a private TMPDIR") {
  const char* host[] = {"PATH=/usr/bin",
                        "PGPASSWORD=secret",
                        "GITHUB_TOKEN=ghp_x",
                        "LC_ALL=C",
                        "COSTOPS_PLUGIN_SEED=7",
                        "ASAN_OPTIONS=detect_leaks=1",
                        "TMPDIR=/host/tmp",
                        "AWS_SECRET_ACCESS_KEY=k",
                        "COST_OPS_HOST_KEY=/home/u/key",
                        "XDG_STATE_HOME=/home/u/.local/state",
                        "XDG_CACHE_HOME=/home/u/.cache",
                        "LC_=odd",
                        "NOEQUALS",
                        nullptr};
  const auto env = allowlisted_environment(host, "/private/tmp");
  const auto has = [&](const std::string& entry) {
    return std::find(env.begin(), env.end(), entry) != env.end();
  };
  CHECK(has("PATH=/usr/bin"));
  CHECK(has("LC_ALL=C"));
  CHECK(has("COSTOPS_PLUGIN_SEED=7"));
  CHECK(has("ASAN_OPTIONS=detect_leaks=1"));
  CHECK(has("TMPDIR=/private/tmp"));
  CHECK(env.size() == 5);  // nothing else: no PG*, token, the host key's path, odd names
}

TEST_CASE("the host key's directory is hidden unless a worker needs something inside it") {
  SandboxPolicy policy;
  const std::vector<std::filesystem::path> needed = {"/opt/plugins", "/usr/bin/cost-ops", "/tmp"};
  CHECK(hide_directory(policy, "/home/u/.local/state/cost-ops", needed));
  CHECK(hide_directory(policy, "/home/u/.local/state/cost-ops", needed));  // once
  CHECK(policy.hidden_paths.size() == 1);
  CHECK_FALSE(hide_directory(policy, "/opt", needed));  // holds the plugins
  CHECK_FALSE(hide_directory(policy, "/tmp", needed));  // the workers' temporary directory
  CHECK_FALSE(hide_directory(policy, "/", needed));
  CHECK_FALSE(hide_directory(policy, "", needed));
  CHECK(policy.hidden_paths.size() == 1);
}

TEST_CASE("a sandboxed child has its own session, descriptors 0-3 and no core dumps") {
  // A descriptor the host inherited without close-on-exec.
  const int leaked = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaked >= 0);
  REQUIRE(::dup2(leaked, 9) == 9);
  const WorkerSandbox sandbox(SandboxPolicy{}, COSTOPS_WORKER_BINARY);
  ChildRequest request{
      "/bin/sh",
      {"-c",
       "{ echo sid=$(cut -d' ' -f6 /proc/self/stat); echo pid=$$;"
       "  ls /proc/self/fd | tr '\\n' ' '; echo;"
       "  echo core=$(ulimit -c); ulimit -c unlimited 2>/dev/null || echo raise=no;"
       "  echo cwd=$(pwd) tmp=$TMPDIR; echo secret=${PGPASSWORD:-none};"
       "  echo tty=$(cut -d' ' -f7 /proc/self/stat);"
       "  grep '^Seccomp:' /proc/self/status | tr -d ' \\t'; } >&3"},
      10,
      0.5,
      4096};
  request.sandbox = &sandbox;
  ::setenv("PGPASSWORD", "not-for-plugins", 1);
  const ChildResult r = run_child(request);
  ::unsetenv("PGPASSWORD");
  ::close(9);
  ::close(leaked);
  INFO(r.result, r.output);
  CHECK(r.ending == ChildResult::Ending::exited);
  CHECK(r.exit_code == 0);
  CHECK(r.result.find("secret=none") != std::string::npos);
  CHECK(r.result.find("core=0") != std::string::npos);
  CHECK(r.result.find("raise=no") != std::string::npos);
  CHECK(r.result.find("tty=0") != std::string::npos);
  // The system call filter holds, and the shell still forks and execs under it.
  CHECK(r.result.find("Seccomp:2") != std::string::npos);
  CHECK(r.result.find("cwd=" + sandbox.private_tmp() + " tmp=" + sandbox.private_tmp()) !=
        std::string::npos);
  // `ls` itself holds 0-3 and the directory it reads; never 9.
  CHECK(r.result.find(" 9 ") == std::string::npos);
  for (Layer layer : {kSession, kDescriptors, kEnvironment, kCoreDumpsOff, kFileSizeLimit,
                      kNoNewPrivileges, kCapabilitiesDropped, kSyscallFilter})
    CHECK((r.isolation_layers & layer) != 0);
}

TEST_CASE("a sandboxed child's exit code and signal are the worker's, not its init's") {
  const WorkerSandbox sandbox(SandboxPolicy{}, COSTOPS_WORKER_BINARY);
  const auto run = [&](const std::string& script) {
    ChildRequest request{"/bin/sh", {"-c", script}, 10, 0.5, 4096};
    request.sandbox = &sandbox;
    return run_child(request);
  };
  const ChildResult exited = run("echo pid=$$ >&3; exit 7");
  CHECK(exited.ending == ChildResult::Ending::exited);
  CHECK(exited.exit_code == 7);
  const ChildResult killed = run("kill -ABRT $$");
  CHECK(killed.ending == ChildResult::Ending::signaled);
  CHECK(killed.signal_number == SIGABRT);
  // The init exits with 128 + N for signal N, and so for exit code 128 + N:
  // the status on the report pipe, which agrees with it, tells them apart.
  const ChildResult like_a_signal = run("exit 139");
  CHECK(like_a_signal.ending == ChildResult::Ending::exited);
  CHECK(like_a_signal.exit_code == 139);
  CHECK(init_exit_code(7 << 8) == 7);
  CHECK(init_exit_code(SIGSEGV) == 128 + SIGSEGV);
  // In a PID namespace the worker is pid 2, under the init (pid 1).
  if (exited.isolation_layers & kPidNamespace) CHECK(exited.result == "pid=2\n");
  // The command the child execs: the init program, then the worker's own
  // subcommand, or --exec and any other program.
  CHECK(namespace_init_command("/w", "/w", {"__probe", "--plugin", "p.so"}) ==
        std::vector<std::string>{"/w", "__sandbox-init", "__probe", "--plugin", "p.so"});
  CHECK(namespace_init_command("/w", "/bin/sh", {"-c", "x"}) ==
        std::vector<std::string>{"/w", "__sandbox-init", "--exec", "/bin/sh", "-c", "x"});
}

TEST_CASE("the system call filter is compiled once, before any worker starts") {
  const auto& program = layers::syscall_filter_program();
  CHECK_FALSE(program.empty());
  CHECK(&layers::syscall_filter_program() == &program);
  // A classic BPF program ends in a return; the kernel takes at most 4,096.
  CHECK(program.size() < 4096);
  CHECK(BPF_CLASS(program.back().code) == BPF_RET);
}

TEST_CASE("the isolation report names every layer and the limits") {
  record_worker_layers(kSession | kDescriptors);
  const IsolationReport report = isolation_report(true, SandboxPolicy{});
  const auto json = isolation_to_json(report);
  CHECK(json.at("mode").as_string() == "process");
  CHECK(json.at("layers").as_object().size() == std::size(kLayerNames));
  CHECK(json.at("layers").at("session").as_bool());
  CHECK_FALSE(json.at("layers").at("landlock").as_bool());
  CHECK(json.at("limits").at("file_size_bytes").as_uint64() == std::uint64_t{1} << 30);
  // Whether a cgroup v2 leaf could limit a worker is said plainly.
  const std::string cgroup(json.at("cgroup").as_string());
  CHECK((cgroup.starts_with("not used:") || cgroup.starts_with("not available:")));
  CHECK(isolation_markdown(report).find("- Isolation cgroup: " + cgroup) != std::string::npos);
  CHECK(isolation_markdown(report).find("landlock") != std::string::npos);
  CHECK(isolation_to_json(isolation_report(false, SandboxPolicy{})).at("mode").as_string() ==
        "none");
}

#!/usr/bin/env python3
"""End-to-end tests of the cost-ops binary on the fixture plugins.

Runs the real executable, then checks every file it wrote: the raw records,
results.json and summary.md, against the JSON Schemas in schemas/.

usage: host_e2e_test.py COST_OPS_BINARY FIXTURE_DIR SCHEMA_DIR
"""
import json
import re
import os
import pathlib
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import jsonschema
from jsonschema import Draft202012Validator

HOST, FIXTURES, SCHEMAS = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]

GOOD = FIXTURES / "good"
HOSTILE = FIXTURES / "hostile"
JUNK = FIXTURES / "junk"
EVOLUTION = FIXTURES / "evolution"
ABI_1_0 = FIXTURES / "abi_1_0"  # built from the frozen ABI 1.0 header
FAMILY = FIXTURES / "family"
RESET = FIXTURES / "reset"  # ABI 1.2: reset() between batches
ALLOCATING = FIXTURES / "allocating"  # ABI 1.3: allocations known per operation
QUICK = ["--warmup-time", "0.01", "--min-time", "0.02", "--min-samples", "3"]


def load_schemas():
    resources = {}
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources[path.name] = schema
    return resources


SCHEMA_FILES = load_schemas()


def validator(name):
    # Schemas refer to each other by file name; resolve those locally.
    store = {}
    for file_name, schema in SCHEMA_FILES.items():
        store[schema["$id"]] = schema
        store[file_name] = schema
    resolver = jsonschema.RefResolver(base_uri=SCHEMA_FILES[name]["$id"], referrer=SCHEMA_FILES[name], store=store)
    return Draft202012Validator(SCHEMA_FILES[name], resolver=resolver)


def run(*args, env=None, timeout=120):
    return subprocess.run([str(HOST), *args], capture_output=True, text=True, env=env, timeout=timeout)


class HostEndToEnd(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-e2e-"))
        self.out = self.tmp / "out"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def results(self):
        return json.loads((self.out / "results.json").read_text())

    def check_every_file(self):
        """Every file present parses and matches its schema."""
        raw_validator = validator("raw-record.schema.json")
        for record_path in (self.out / "raw").glob("*.json"):
            record = json.loads(record_path.read_text())
            raw_validator.validate(record)
            self.assertEqual(record_path.stem, record["target_id"])
        if (self.out / "results.json").exists():
            validator("results.schema.json").validate(self.results())
        leftovers = [p.name for p in self.out.rglob("*") if "cost-ops-tmp" in p.name]
        self.assertEqual(leftovers, [])

    def test_good_plugin_writes_all_files(self):
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("✓ fixture_sum_array", proc.stderr)
        self.assertIn("ops/s", proc.stderr)
        # One convention: the results table on stdout, progress on stderr.
        table = proc.stdout.splitlines()
        self.assertRegex(table[0], r"^target +median/op +(±|\+-)MAD +ops/s")
        self.assertTrue(any(line.startswith("fixture_sum_array ") for line in table), proc.stdout)
        self.assertNotIn("✓", proc.stdout)
        self.assertNotIn("median/op", proc.stderr)
        self.check_every_file()
        raw = sorted(p.name for p in (self.out / "raw").iterdir())
        self.assertEqual(raw, ["fixture_copy_bytes.json", "fixture_sum_array.json"])
        record = json.loads((self.out / "raw" / "fixture_copy_bytes.json").read_text())
        self.assertEqual(set(record), {"target_id", "metrics", "timestamp"})
        self.assertEqual(record["metrics"]["bytes_per_operation"], 4096)
        self.assertGreater(record["metrics"]["throughput_mb_per_sec"], 0)
        results = self.results()
        self.assertEqual(results["summary"]["total_benchmarks"], 2)
        self.assertIn(results["summary"]["fastest_benchmark"], ["fixture_copy_bytes", "fixture_sum_array"])
        for target in results["targets"]:
            self.assertEqual(target["status"], "ok")
            self.assertEqual(target["plugin"]["version"], "1.2.3")
            self.assertGreaterEqual(target["statistics"]["samples"], 3)
            self.assertLess(target["measurement"]["overhead_ns_per_iteration"], 5)
        summary = (self.out / "summary.md").read_text()
        self.assertIn("| Target | Operations/sec | Avg Duration (ns) | Notes |", summary)
        self.assertIn("| fixture_sum_array |", summary)

    def test_broken_plugins_are_reported_and_good_ones_still_run(self):
        proc = run("run", "--plugin-dir", str(GOOD), "--plugin-dir", str(HOSTILE), "--plugin-dir", str(JUNK),
                   "-o", str(self.out), "--timeout", "2", "--probe-timeout", "2", *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.check_every_file()
        results = self.results()
        by_id = {}
        for t in results["targets"]:
            by_id.setdefault(t["target_id"], []).append(t)
        status = {k: [t["status"] for t in v] for k, v in by_id.items()}
        self.assertEqual(sorted(status["fixture_sum_array"]), ["invalid", "ok"])  # duplicate id
        self.assertEqual(status["misbehaving_crash_run"], ["crashed"])
        self.assertIn("SIGSEGV", by_id["misbehaving_crash_run"][0]["reason"])
        for phase in ["setup", "teardown"]:
            self.assertEqual(status[f"misbehaving_crash_{phase}"], ["crashed"])
            self.assertIn("SIGSEGV", by_id[f"misbehaving_crash_{phase}"][0]["reason"])
        self.assertEqual(status["misbehaving_abort_setup"], ["crashed"])
        self.assertIn("SIGABRT", by_id["misbehaving_abort_setup"][0]["reason"])
        self.assertEqual(status["misbehaving_exit_run"], ["crashed"])
        self.assertIn("exit()", by_id["misbehaving_exit_run"][0]["reason"])
        self.assertEqual(status["misbehaving_hang_run"], ["timed_out"])
        self.assertEqual(status["misbehaving_setup_error"], ["failed"])
        self.assertIn("cannot open the input fixture.csv", by_id["misbehaving_setup_error"][0]["reason"])
        self.assertEqual(status["misbehaving_verify_error"], ["failed"])
        self.assertIn("verification failed", by_id["misbehaving_verify_error"][0]["reason"])
        self.assertEqual(status["misbehaving_spam_stdout"], ["ok"])
        self.assertLess(len(by_id["misbehaving_spam_stdout"][0]["plugin_output"]), 70000)
        plugins = {pathlib.Path(p["path"]).name: p for p in results["plugins"]}
        self.assertEqual(plugins["misbehaving_decline.so"]["status"], "incompatible")
        self.assertEqual(plugins["misbehaving_wrong_major.so"]["status"], "incompatible")
        self.assertIn("plugin ABI major 2, host ABI major 1", plugins["misbehaving_wrong_major.so"]["reason"])
        self.assertEqual(plugins["misbehaving_crash_entry.so"]["status"], "crashed")
        self.assertEqual(plugins["misbehaving_null_run.so"]["status"], "invalid")
        self.assertEqual(plugins["misbehaving_bad_size.so"]["status"], "incompatible")
        self.assertEqual(plugins["misbehaving_hang_entry.so"]["status"], "timed_out")
        self.assertIn("--probe-timeout", plugins["misbehaving_hang_entry.so"]["reason"])
        self.assertEqual(plugins["misbehaving_crash_constructor.so"]["status"], "crashed")
        self.assertIn("SIGSEGV", plugins["misbehaving_crash_constructor.so"]["reason"])
        self.assertEqual(plugins["misbehaving_unresolved.so"]["status"], "invalid")
        self.assertIn("undefined symbol: costops_fixture_function_that_does_not_exist",
                      plugins["misbehaving_unresolved.so"]["reason"])
        self.assertEqual(status["misbehaving_cxx_exception"], ["failed"])
        self.assertIn("exception escape", by_id["misbehaving_cxx_exception"][0]["reason"])
        self.assertEqual(status["misbehaving_leak"], ["ok"])
        leak = by_id["misbehaving_leak"][0]
        self.assertGreater(leak["metrics"]["leaked_file_descriptors"], 0)
        self.assertTrue(any("file descriptor" in w for w in leak["warnings"]))
        # The leak is counted by the host's malloc interposer: 4096 bytes
        # per operation still live after teardown, whatever the iteration
        # count or machine load. AddressSanitizer owns malloc, so sanitized
        # builds say the counts are unavailable instead.
        allocations = leak["measurement"]["allocations"]
        if "asan" not in run("--version").stdout:
            # One malloc(4096) per operation, plus the FILE of one fopen per
            # run() call spread over the counted iterations.
            n = allocations["counted_iterations"]
            self.assertAlmostEqual(allocations["allocations_per_op"], 1 + 1 / n)
            self.assertGreaterEqual(allocations["leaked_bytes_per_op"], 4096.0)
            self.assertLess(allocations["leaked_bytes_per_op"], 4096.0 + 4096 / n)
            self.assertEqual(allocations["leaked_bytes_per_op"],
                             allocations["bytes_allocated_per_op"])
            self.assertTrue(any("still live after teardown" in w for w in leak["warnings"]),
                            leak["warnings"])
        else:
            self.assertIn("AddressSanitizer", allocations["unavailable"])
        self.assertEqual(plugins["empty.so"]["status"], "invalid")
        self.assertEqual(plugins["random_bytes.so"]["status"], "invalid")
        # Only finished targets have raw records.
        raw = sorted(p.stem for p in (self.out / "raw").iterdir())
        self.assertEqual(raw, ["fixture_copy_bytes", "fixture_sum_array", "misbehaving_leak",
                               "misbehaving_spam_stdout"])
        summary = (self.out / "summary.md").read_text()
        self.assertIn("**crashed**: killed by SIGSEGV", summary)
        self.assertIn("## Plugin problems", summary)
        self.assertIn("✗ misbehaving_hang_run  timed_out", proc.stderr)

    def test_allocations_are_exact_in_a_worker_and_in_process(self):
        sanitized = "asan" in run("--version").stdout
        for isolation in ["process", "none"]:
            with self.subTest(isolation=isolation):
                shutil.rmtree(self.out, ignore_errors=True)
                proc = run("run", "--plugin-dir", str(ALLOCATING), "-o", str(self.out), *QUICK,
                           "--isolation", isolation, "--targets",
                           "fixture_alloc_blocks_3,fixture_alloc_cxx,fixture_alloc_none")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.check_every_file()
                by_id = {t["target_id"]: t for t in self.results()["targets"]}
                counts = {i: t["measurement"]["allocations"] for i, t in by_id.items()}
                if sanitized:
                    for c in counts.values():
                        self.assertIn("AddressSanitizer", c["unavailable"])
                    continue
                # 3 blocks of 100 bytes; new[48] + aligned new(128) + vector of 10 ints.
                self.assertEqual(counts["fixture_alloc_blocks_3"]["allocations_per_op"], 3)
                self.assertEqual(counts["fixture_alloc_blocks_3"]["bytes_allocated_per_op"], 300)
                self.assertEqual(counts["fixture_alloc_blocks_3"]["peak_live_bytes"], 300)
                self.assertEqual(counts["fixture_alloc_cxx"]["allocations_per_op"], 3)
                self.assertEqual(counts["fixture_alloc_cxx"]["bytes_allocated_per_op"], 216)
                self.assertEqual(counts["fixture_alloc_none"]["allocations_per_op"], 0)
                self.assertEqual(counts["fixture_alloc_none"]["bytes_allocated_per_op"], 0)
                for c in counts.values():
                    self.assertEqual(c["leaked_bytes_per_op"], 0)
                record = json.loads((self.out / "raw" / "fixture_alloc_blocks_3.json").read_text())
                self.assertEqual(record["metrics"]["allocations_per_op"], 3)
                self.assertGreater(by_id["fixture_alloc_none"]["statistics"]["cpu_time_per_op_ns"], 0)
                self.assertIn("3 allocs 300 B/op", proc.stderr)
                self.assertIn("3 allocs 300 B/op", (self.out / "summary.md").read_text())

    def test_rounds_interleave_targets_and_merge_their_samples(self):
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--rounds", "3")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.check_every_file()
        self.assertIn("Round 3 of 3", proc.stderr)
        # Interleaved: a, b, a, b, a, b - not a, a, a, b, b, b.
        finished = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("✓")]
        self.assertEqual(finished, ["fixture_sum_array", "fixture_copy_bytes"] * 3)
        results = self.results()
        self.assertEqual(results["settings"]["rounds"], 3)
        for target in results["targets"]:
            samples = target["samples"]
            self.assertEqual(sorted(set(samples["repetition"])), [0, 1, 2], target["target_id"])
            # Every round reused the batch size round 1 calibrated.
            self.assertEqual(set(samples["iterations"]), {target["measurement"]["batch_iterations"]})
            self.assertEqual(target["statistics"]["samples"], len(samples["iterations"]))
            self.assertGreaterEqual(len(samples["iterations"]), 9)
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), "--rounds", "0")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--rounds", proc.stderr)

    def test_selection_list_and_summary_switches(self):
        proc = run("run", "--plugin-dir", str(GOOD), "--list")
        self.assertEqual(proc.returncode, 0)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual([l.split("\t")[0] for l in lines], ["fixture_sum_array", "fixture_copy_bytes"])
        self.assertIn("fixture-good-c 1.2.3", lines[0])
        self.assertIn("good_c_plugin.so", lines[0])

        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), "--targets", "fixture_copy_bytes",
                   "--no-summary", *QUICK)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([t["target_id"] for t in self.results()["targets"]], ["fixture_copy_bytes"])
        self.assertFalse((self.out / "summary.md").exists())

        shutil.rmtree(self.out)
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), "-f", "sum", "--summary", "false", *QUICK)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([t["target_id"] for t in self.results()["targets"]], ["fixture_sum_array"])
        self.assertFalse((self.out / "summary.md").exists())

    def test_usage_and_environment_errors_exit_2(self):
        cases = [
            (["run", "--plugin-dir", str(GOOD), "--targets", "nope"], "unknown target id \"nope\""),
            (["run", "--plugin-dir", str(self.tmp / "missing")], "does not exist"),
            (["run", "--plugin-dir", str(GOOD), "--summary", "maybe"], "--summary takes true or false"),
            (["run", "--plugin-dir", str(GOOD), "--min-samples", "0"], "--min-samples"),
            (["run", "--bogus-option"], "unrecognised option"),
            (["frobnicate"], "unknown command"),
            (["rn"], "Did you mean `run`?"),
            (["run", "--min-tme", "1"], "Did you mean `--min-time`?"),
            (["run", "--min-time", "abc"], "--min-time takes S, a plain number, not `abc`"),
            (["compare", "a", "b", "--threshold", "5%"], "without the % sign"),
            (["report", "x", "--alpha=0.0x", "-o", "y"], "--alpha takes P, a plain number, not `0.0x`"),
            (["run", "--plugin-dir", str(GOOD), "-f", "zzz"], "no target matches"),
            (["run", "--plugin-dir", str(GOOD), "--isolation", "threads"], "--isolation"),
            (["run", "--plugin-dir", str(GOOD), "--run-name", "a\x1bb"],
             "--run-name takes a name of 1 to 200 characters without control characters, not `a"),
            (["run", "--plugin-dir", str(GOOD), "--run-nme", "x"], "Did you mean `--run-name`?"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                proc = run(*args)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(message, proc.stderr)
        blocker = self.tmp / "file"
        blocker.write_text("x")
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(blocker / "sub"), *QUICK)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("cannot create output directory", proc.stderr)

    def test_help_and_version(self):
        proc = run("--help")
        self.assertEqual(proc.returncode, 0)
        for word in ["run", "plugins list|check", "compare", "history", "aggregate", "Exit codes"]:
            self.assertIn(word, proc.stdout)
        proc = run("run", "--help")
        for option in ["--plugin-dir", "--output", "--targets", "--filter", "--summary", "--no-summary",
                       "--warmup-time", "--min-time", "--min-samples", "--repetitions", "--list",
                       "--quiet", "--verbose", "--isolation", "--timeout"]:
            self.assertIn(option, proc.stdout)
        proc = run("--version")
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout, r"cost-ops \d+\.\d+\.\d+")
        self.assertIn("bench_target_v1 1.4", proc.stdout)

    def test_plugin_path_environment_and_in_process_isolation(self):
        env = dict(os.environ, COST_OPS_PLUGIN_PATH=f"{self.tmp / 'nothing-here'}:{GOOD}")
        (self.tmp / "nothing-here").mkdir()
        proc = run("run", "-o", str(self.out), "--isolation", "none", *QUICK, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.results()["settings"]["isolation"], "none")
        self.assertEqual(len(self.results()["targets"]), 2)
        self.check_every_file()

    @unittest.skipUnless(os.geteuid() == 0, "making a set-uid copy of the host for another user needs root")
    def test_plugin_path_environment_is_ignored_when_set_uid(self):
        # A copy of the host owned by `nobody` with the set-uid bit: run by
        # root, its effective uid differs from the real one.
        host_dir = self.tmp / "setuid-bin"
        host_dir.mkdir()
        host_dir.chmod(0o755)
        self.tmp.chmod(0o755)
        setuid_host = host_dir / "cost-ops"
        shutil.copy2(HOST, setuid_host)
        os.chown(setuid_host, 65534, 65534)
        setuid_host.chmod(0o4755)
        env = dict(os.environ, COST_OPS_PLUGIN_PATH=str(GOOD))
        plain = subprocess.run([str(HOST), "plugins", "list", "--json"], capture_output=True, text=True,
                               env=env, timeout=60, cwd=self.tmp)
        self.assertEqual([pathlib.Path(p["path"]).name for p in json.loads(plain.stdout)], ["good_c_plugin.so"])
        privileged = subprocess.run([str(setuid_host), "plugins", "list", "--json"], capture_output=True,
                                    text=True, env=env, timeout=60, cwd=self.tmp)
        mount_options = subprocess.run(["findmnt", "-no", "OPTIONS", "--target", str(self.tmp)],
                                       capture_output=True, text=True).stdout
        if "nosuid" in mount_options.split(","):
            self.skipTest("the temporary directory is mounted nosuid: the set-uid bit has no effect")
        # The copy has no installed plugins next to it, so with the variable
        # ignored there is nothing to load: a usage error naming the reason.
        self.assertIn("COST_OPS_PLUGIN_PATH is ignored because cost-ops runs set-uid", privileged.stderr)
        if "LeakSanitizer" not in privileged.stderr:  # LSan cannot work set-uid and sets its own code
            self.assertEqual(privileged.returncode, 2, privileged.stdout)

    def test_plugins_list_and_check(self):
        proc = run("plugins", "list", "--json", "--plugin-dir", str(GOOD), "--plugin-dir", str(JUNK))
        self.assertEqual(proc.returncode, 1)
        listing = json.loads(proc.stdout)
        validator("plugins.schema.json").validate(listing)
        self.assertEqual([p["status"] for p in listing], ["ok", "invalid", "invalid"])
        self.assertEqual(listing[0]["targets"], ["fixture_sum_array", "fixture_copy_bytes"])
        proc = run("plugins", "check", str(HOSTILE / "misbehaving_wrong_major.so"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("incompatible", proc.stdout)
        proc = run("plugins", "check", str(GOOD / "good_c_plugin.so"))
        self.assertEqual(proc.returncode, 0)
        self.assertIn("fixture_sum_array, fixture_copy_bytes", proc.stdout)

    def test_plugins_check_runs_each_target_once(self):
        proc = run("plugins", "check", str(FAMILY / "family_plugin.so"))
        self.assertEqual(proc.returncode, 0, proc.stdout)  # a skipped target is no failure
        self.assertIn("fixture_scan_1024: ok (setup, run and teardown succeeded)", proc.stdout)
        self.assertIn("fixture_needs_gpu: skipped", proc.stdout)
        proc = run("plugins", "check", str(HOSTILE / "misbehaving_verify_error.so"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("misbehaving_verify_error: failed — verification failed", proc.stdout)

    def test_a_plugin_whose_own_calls_reach_another_library_is_refused(self):
        # The same 1.0 source with its own log(): built with the SDK's flags
        # it runs; built by hand exporting everything, the loader binds its
        # calls to libm's log, and the host says so instead of timing that.
        proc = run("plugins", "check", str(ABI_1_0 / "own_log_plugin_abi_1_0.so"))
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("fixture_own_log: ok", proc.stdout)
        exported = FIXTURES / "exported_symbols"
        proc = run("plugins", "check", str(exported / "own_log_exported.so"))
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("invalid", proc.stdout)
        self.assertIn("exports its own log (", proc.stdout)
        self.assertIn("libm", proc.stdout)
        proc = run("run", "--plugin-dir", str(exported), "--plugin-dir", str(GOOD), "-o", str(self.out),
                   *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.check_every_file()
        plugins = {pathlib.Path(p["path"]).name: p for p in self.results()["plugins"]}
        self.assertEqual(plugins["good_c_plugin.so"]["status"], "ok")
        self.assertEqual(plugins["own_log_exported.so"]["status"], "invalid")
        self.assertIn("-fvisibility=hidden", plugins["own_log_exported.so"]["reason"])

    def test_private_libraries_in_a_subdirectory_are_not_plugins(self):
        # Plugin directories are scanned one level deep: a plugin's private
        # helper libraries live in a subdirectory (found through RPATH
        # $ORIGIN/lib) and never make a run fail.
        plugins = self.tmp / "plugins"
        (plugins / "lib").mkdir(parents=True)
        shutil.copy(GOOD / "good_c_plugin.so", plugins / "good_c_plugin.so")
        (plugins / "lib" / "libhelper.so").write_bytes(b"\x7fELF not a plugin")
        os.chmod(self.tmp, 0o755)
        proc = run("run", "--plugin-dir", str(plugins), "-o", str(self.out), "--min-time", "0.01")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(self.results()["plugins"]), 1)

    def test_abi_evolution_newer_minor_runs_newer_major_is_refused(self):
        proc = run("plugins", "list", "--json", "--plugin-dir", str(EVOLUTION))
        self.assertEqual(proc.returncode, 1)  # the v2 plugin is not usable
        listing = {pathlib.Path(p["path"]).name: p for p in json.loads(proc.stdout)}
        future = listing["abi_future_minor.so"]
        self.assertEqual(future["status"], "ok")
        self.assertEqual(future["abi_version"], "1.5")  # one minor past this host (1.4)
        self.assertEqual(future["version"], "9.1.0")
        next_major = listing["abi_next_major.so"]
        self.assertEqual(next_major["status"], "incompatible")
        self.assertEqual(next_major["abi_version"], "2.0")
        self.assertIn("built for plugin ABI major 2 (exports bench_target_v2_entry), host ABI major 1",
                      next_major["reason"])

        proc = run("run", "--plugin-dir", str(EVOLUTION), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # a refused plugin is a partial failure
        self.check_every_file()
        by_id = {t["target_id"]: t for t in self.results()["targets"]}
        target = by_id["future_minor_counter"]
        self.assertEqual(target["status"], "ok", target.get("reason"))
        # The plugin saw an older services table and took its fallback path
        # instead of calling a service this host does not have.
        self.assertEqual(target["metrics"]["newer_service_fallback"], 1)
        self.assertEqual(target["metrics"]["host_abi_minor"], 4)
        self.assertEqual(target["plugin"]["version"], "9.1.0")
        self.assertIn("abi_next_major.so", proc.stderr)

    def test_plugins_built_against_the_abi_1_0_header_run_unchanged(self):
        proc = run("run", "--plugin-dir", str(ABI_1_0), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the hostile ones fail, as in 1.0
        self.check_every_file()
        results = self.results()
        by_id = {t["target_id"]: t for t in results["targets"]}
        for target_id in ("fixture_sum_array", "fixture_copy_bytes"):
            self.assertEqual(by_id[target_id]["status"], "ok", by_id[target_id].get("reason"))
            self.assertEqual(by_id[target_id]["plugin"]["abi_version"], "1.0")
        self.assertEqual(by_id["fixture_sum_array"]["metrics"]["values_per_sum"], 1000)
        # A C++11 plugin of that time, and the 1.0 C source with its own log().
        for target_id in ("fixture_cpp11_sum", "fixture_own_log"):
            self.assertEqual(by_id[target_id]["status"], "ok", by_id[target_id].get("reason"))
            self.assertEqual(by_id[target_id]["plugin"]["abi_version"], "1.0")
        self.assertGreater(by_id["fixture_copy_bytes"]["metrics"]["throughput_mb_per_sec"], 0)
        self.assertEqual(by_id["misbehaving_setup_error"]["status"], "failed")
        self.assertIn("cannot open the input fixture.csv", by_id["misbehaving_setup_error"]["reason"])
        self.assertEqual(by_id["misbehaving_verify_error"]["status"], "failed")
        self.assertIn("verification failed", by_id["misbehaving_verify_error"]["reason"])
        self.assertEqual(by_id["misbehaving_crash_run"]["status"], "crashed")
        declined = [p for p in results["plugins"] if p["path"].endswith("misbehaving_decline_abi_1_0.so")]
        self.assertEqual(declined[0]["status"], "incompatible")
        self.assertIn("declined", declined[0]["reason"])

    def test_reset_runs_between_batches_and_a_failing_reset_fails_the_target(self):
        proc = run("run", "--plugin-dir", str(RESET), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.check_every_file()
        by_id = {t["target_id"]: t for t in self.results()["targets"]}
        sleeps = by_id["fixture_reset_sleeps"]
        self.assertEqual(sleeps["status"], "ok", sleeps.get("reason"))
        self.assertEqual(sleeps["metrics"]["resets"], sleeps["metrics"]["batches"])
        self.assertGreaterEqual(sleeps["metrics"]["batches"], sleeps["statistics"]["samples"] + 2)
        fails = by_id["fixture_reset_fails"]
        self.assertEqual(fails["status"], "failed")
        self.assertIn("reset failed: fixture_reset_fails cannot restore its state (on purpose)",
                      fails["reason"])

    def test_families_expand_and_unsupported_targets_are_skipped(self):
        proc = run("run", "--plugin-dir", str(FAMILY), "-o", str(self.out), *QUICK)
        self.check_every_file()
        by_id = {t["target_id"]: t for t in self.results()["targets"]}
        self.assertEqual(sorted(by_id), sorted(
            ["fixture_scan_64", "fixture_scan_256", "fixture_scan_1024", "fixture_doubling_8",
             "fixture_doubling_64", "fixture_doubling_512", "fixture_doubling_1024",
             "fixture_greeting", "fixture_needs_gpu"]))
        self.assertEqual(by_id["fixture_scan_256"]["status"], "ok", proc.stderr)
        self.assertEqual(by_id["fixture_scan_256"]["metrics"]["values_summed"], 256)
        self.assertEqual(by_id["fixture_doubling_64"]["metrics"]["set_up_as"], "fixture_doubling_64")
        self.assertEqual(by_id["fixture_greeting"]["metrics"]["greeting"], "hello from user_data")
        skipped = by_id["fixture_needs_gpu"]
        self.assertEqual(skipped["status"], "skipped")
        self.assertIn("no GPU on this machine", skipped["reason"])
        self.assertIn("fixture_needs_gpu", proc.stderr)
        self.assertIn("skipped", (self.out / "summary.md").read_text())

    def test_world_writable_plugin_directory_is_refused(self):
        unsafe = self.tmp / "unsafe"
        unsafe.mkdir()
        shutil.copy(GOOD / "good_c_plugin.so", unsafe)
        unsafe.chmod(0o777)
        proc = run("run", "--plugin-dir", str(unsafe), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 2)  # nothing left to run
        self.assertIn("writable by every user", proc.stderr)
        proc = run("run", "--plugin-dir", str(unsafe), "-o", str(self.out), "--allow-insecure-plugins", *QUICK)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_library_for_another_architecture_is_incompatible(self):
        foreign = self.tmp / "foreign"
        foreign.mkdir()
        data = bytearray((GOOD / "good_c_plugin.so").read_bytes())
        data[18:20] = (183).to_bytes(2, "little")  # e_machine = EM_AARCH64
        (foreign / "arm_plugin.so").write_bytes(bytes(data))
        proc = run("plugins", "check", str(foreign / "arm_plugin.so"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("incompatible", proc.stdout)
        self.assertIn("built for aarch64, host is x86_64", proc.stdout)

    def test_output_is_never_writable_by_others_nor_written_through_links(self):
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Never writable by others (the test's umask may allow less, never more).
        self.assertEqual(stat.S_IMODE((self.out / "raw").stat().st_mode) & 0o022, 0)
        self.assertEqual(stat.S_IMODE((self.out / "results.json").stat().st_mode) & 0o022, 0)
        outside = self.tmp / "outside"
        outside.mkdir()
        shutil.rmtree(self.out / "raw")
        (self.out / "raw").symlink_to(outside)
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("symbolic link", proc.stderr)
        self.assertEqual(list(outside.iterdir()), [])
        (self.out / "raw").unlink()
        (self.out / "raw").mkdir()
        (self.out / "results.json").unlink()
        (self.out / "results.json").symlink_to(outside / "stolen.json")
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK)
        # The previous run's files are removed first (the link itself, never
        # its target); the new results.json is a file of its own.
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse((outside / "stolen.json").exists())
        self.assertFalse((self.out / "results.json").is_symlink())

    def test_killed_at_random_points_every_file_present_parses(self):
        import random
        rng = random.Random(20261122)
        for attempt in range(12):
            delay = rng.uniform(0.05, 1.5)
            proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(GOOD), "-o", str(self.out),
                                     "--warmup-time", "0.05", "--min-time", "0.3"],
                                    stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL if attempt % 2 else signal.SIGTERM)
            proc.wait(timeout=30)
            with self.subTest(attempt=attempt, delay=delay):
                for path in [self.out / "results.json", *(self.out / "raw").glob("*.json")]:
                    if path.exists():
                        json.loads(path.read_text())  # complete, or not there at all
                if (self.out / "summary.md").exists():
                    self.assertIn("Generated by cost-ops", (self.out / "summary.md").read_text())

    def test_no_worker_outlives_a_killed_host(self):
        hang = self.tmp / "hang"
        hang.mkdir()
        shutil.copy(HOSTILE / "misbehaving_hang_run.so", hang)
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(hang), "-o", str(self.out), *QUICK],
                                stderr=subprocess.DEVNULL)
        pattern = f"__run-target --plugin {hang}"
        deadline = time.time() + 20
        while time.time() < deadline and not subprocess.run(["pgrep", "-f", pattern], capture_output=True).stdout:
            time.sleep(0.05)
        self.assertTrue(subprocess.run(["pgrep", "-f", pattern], capture_output=True).stdout, "worker never started")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(["pgrep", "-f", pattern], capture_output=True).stdout:
            time.sleep(0.05)
        self.assertEqual(subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout, "")

    def test_baselines_compare_and_exit_codes(self):
        # Four processes a side: the fewest that can show p < 0.05.
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--rounds", "4",
                   "--save-baseline", "main")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue((self.out / "baselines" / "main" / "results.json").exists())
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--rounds", "4",
                   "--baseline", "main", "--threshold", "1000")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Compared with baseline main", proc.stdout)  # a result: stdout
        self.assertIn("## Comparison with baseline main", (self.out / "summary.md").read_text())
        # export takes a saved baseline by name too, as run and report do.
        proc = run("export", str(self.out), "--format", "junit", "--baseline", "main",
                   "--threshold", "1000")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("<testsuite", proc.stdout)
        proc = run("export", str(self.out), "--format", "junit", "--baseline", "mian")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("the baselines saved in " + str(self.out / "baselines") + ": main", proc.stderr)
        # A run compared with itself: no change, exit 0, in all three formats.
        for fmt in ["text", "markdown", "json"]:
            proc = run("compare", str(self.out), str(self.out / "results.json"), "--format", fmt)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(run("compare", str(self.out), str(self.out), "--format", "json").stdout)
        self.assertEqual({t["verdict"] for t in report["targets"]}, {"no change"})
        self.assertEqual(report["method"]["test"],
                         "mann_whitney_u_of_process_medians_or_wilcoxon_signed_rank_of_paired_rounds_two_sided")
        self.assertEqual({t["basis"] for t in report["targets"]}, {"processes"})
        self.assertEqual(report["insufficient_data"], "")
        # A baseline made 10x faster on paper: the new run is a regression.
        fast = json.loads((self.out / "results.json").read_text())
        for t in fast["targets"]:
            if t["samples"]:
                t["samples"]["elapsed_ns"] = [e / 10 for e in t["samples"]["elapsed_ns"]]
        (self.tmp / "fast.json").write_text(json.dumps(fast))
        proc = run("compare", str(self.tmp / "fast.json"), str(self.out))
        self.assertEqual(proc.returncode, 3, proc.stdout)
        self.assertIn("slower", proc.stdout)
        # $COLUMNS narrows the verdict table of a pipe too: columns left out, prose wrapped.
        narrow = run("compare", str(self.tmp / "fast.json"), str(self.out), env={**os.environ, "COLUMNS": "50"})
        self.assertIn("slower", narrow.stdout)
        for line in narrow.stdout.splitlines():
            self.assertLessEqual(len(line), 50, repr(line))
        self.assertEqual(run("compare", str(self.tmp / "fast.json"), str(self.out), "--fail-on", "none").returncode, 0)
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--rounds", "4",
                   "--baseline", str(self.tmp / "fast.json"))
        self.assertEqual(proc.returncode, 3, proc.stderr)
        # One round cannot gate: it says so and exits 0 even against fast.json.
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.tmp / "one"), *QUICK,
                   "--baseline", str(self.tmp / "fast.json"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("4 vs 1 processes cannot show p < 0.05; use --rounds >= 4", proc.stdout)
        # Bad input: usage errors naming the file.
        (self.tmp / "broken.json").write_text("{not json")
        proc = run("compare", str(self.tmp / "broken.json"), str(self.out))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("broken.json: not valid JSON", proc.stderr)
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--baseline", "no-such-baseline")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no-such-baseline", proc.stderr)
        self.assertIn("the baselines saved in " + str(self.out / "baselines") + ": main", proc.stderr)
        # A bad baseline is refused before the output directory is made or locked.
        fresh = self.tmp / "never-made"
        proc = run("run", "--plugin-dir", str(GOOD), "-o", str(fresh), *QUICK, "--baseline", "main")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("holds none yet: save one with `cost-ops run --save-baseline NAME`", proc.stderr)
        self.assertFalse(fresh.exists())

    def run_in_terminal(self, columns, env):
        """Runs a two-round run in a pseudo-terminal `columns` wide; returns what it showed."""
        import fcntl, pty, struct, termios
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK,
                                 "--rounds", "2"], stdin=follower, stdout=follower, stderr=follower,
                                env={**os.environ, **env}, close_fds=True)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the run ended
                break
            if not chunk:
                break
            shown += chunk
        os.close(leader)
        self.assertEqual(proc.wait(timeout=120), 0, shown.decode(errors="replace"))
        shutil.rmtree(self.out)
        return shown.decode()

    def test_console_in_narrow_dumb_and_ascii_terminals(self):
        narrow = self.run_in_terminal(40, {"TERM": "xterm", "LANG": "C.UTF-8", "LC_ALL": ""})
        for line in narrow.replace("\r\n", "\n").split("\n"):
            for live in line.split("\r")[:-1]:  # rewritten live lines: cut to the width
                self.assertLessEqual(len(live.replace("\x1b[K", "").replace("\x1b[2m", "").replace("\x1b[0m", "")),
                                     39, repr(live))
        self.assertIn("[round 2]", narrow)  # the second round's own figures, labelled
        # The results table fits: columns are left out rather than lines wrapped.
        plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", narrow).replace("\r\n", "\n").split("\n")
        header = next(i for i, line in enumerate(plain) if line.startswith("target "))
        tally = next(i for i, line in enumerate(plain) if re.match(r"\d+ targets?: ", line))
        self.assertGreater(tally, header + 3)  # the table (and its legend) come before the tally
        for line in plain[header:tally]:
            self.assertLessEqual(len(line), 40, repr(line))
        dumb = self.run_in_terminal(80, {"TERM": "dumb", "LANG": "C.UTF-8", "LC_ALL": ""})
        self.assertNotIn("\x1b", dumb)
        self.assertNotIn("\r\x1b[K", dumb)
        ascii_only = self.run_in_terminal(80, {"TERM": "xterm", "LANG": "C", "LC_ALL": "", "LC_CTYPE": ""})
        for symbol in ("µ", "×", "✓", "±", "…", "→"):
            self.assertNotIn(symbol, ascii_only)
        self.assertIn("ok fixture_sum_array", re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", ascii_only))
        self.assertIn("+-", ascii_only)
        ci_log = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--rounds", "2")
        # Results on stdout, progress on stderr; no escape code or live line in either.
        self.assertTrue(ci_log.stdout.startswith("target "), ci_log.stdout)
        self.assertNotIn("\x1b", ci_log.stdout)
        self.assertNotIn("\r", ci_log.stdout)
        self.assertNotIn("running", ci_log.stdout)
        self.assertNotIn("\r", ci_log.stderr)
        self.assertNotIn("\x1b", ci_log.stderr)
        self.assertIn("fixture_sum_array [round 2]", ci_log.stderr)

    def test_ab_mode_pairs_two_builds_round_by_round(self):
        # What is written, not the verdict: an A/A run on a loaded machine
        # may be called slower (a false alarm, at most alpha of the time).
        proc = run("run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(GOOD), "-o", str(self.out),
                   *QUICK, "--rounds", "6", "--fail-on", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("A/B round 6 of 6", proc.stderr)
        self.assertIn("fixture_sum_array [old, round 6]", proc.stderr)
        self.assertIn("fixture_sum_array [new, round 6]", proc.stderr)
        self.assertIn("fixture_sum_array [old]", proc.stderr)  # round 1 of each side
        new, old = self.results(), json.loads((self.out / "ab-baseline" / "results.json").read_text())
        self.assertEqual(new["settings"]["ab_pairing"], old["settings"]["ab_pairing"])
        self.assertEqual((new["settings"]["ab_role"], old["settings"]["ab_role"]), ("new", "baseline"))
        for target in new["targets"]:
            self.assertEqual(sorted(set(target["samples"]["process"])), list(range(6)))
        report = json.loads(run("compare", str(self.out / "ab-baseline"), str(self.out), "--format", "json").stdout)
        self.assertEqual({t["basis"] for t in report["targets"]}, {"paired_rounds"})
        self.assertEqual({t["base_count"] for t in report["targets"]}, {6})
        self.assertIn("pairs 6", (self.out / "summary.md").read_text())
        proc = run("run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(HOSTILE), "-o", str(self.out), *QUICK)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not offered by any plugin in the A/B baseline directory", proc.stderr)

    @unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed")
    def test_instruction_counts_are_deterministic_and_see_three_percent(self):
        if "asan" in subprocess.run(["ldd", str(HOST)], stdout=subprocess.PIPE, text=True).stdout:
            self.skipTest("a sanitizer build does not run under valgrind")
        calibration = HOST.parent.parent / "benchmarks" / "calibration"
        counts = []
        for work, out in [(0, "a"), (0, "b"), (3, "c")]:
            proc = run("run", "--plugin-dir", str(calibration / f"work_{work}"), "-o", str(self.tmp / out),
                       "--measure", "instructions", "--targets", "calibration_alu_short,calibration_chase")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            results = json.loads((self.tmp / out / "results.json").read_text())
            validator("results.schema.json").validate(results)
            counts.append({t["target_id"]: t["measurement"]["instructions_per_operation"] for t in results["targets"]})
        self.assertEqual(counts[0], counts[1])  # A/A: identical, not merely close
        for target, base in counts[0].items():
            self.assertAlmostEqual(counts[2][target] / base - 1, 0.03, delta=0.005)
        report = json.loads(run("compare", str(self.tmp / "a"), str(self.tmp / "c"), "--format", "json",
                                "--threshold", "1").stdout)
        self.assertEqual({t["basis"] for t in report["targets"]}, {"instructions"})
        self.assertEqual({t["verdict"] for t in report["targets"]}, {"slower"})
        self.assertEqual(run("compare", str(self.tmp / "a"), str(self.tmp / "b")).returncode, 0)
        proc = run("run", "--plugin-dir", str(calibration / "work_0"), "-o", str(self.tmp / "x"),
                   "--measure", "instructions", "--isolation", "none")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--isolation process", proc.stderr)

    def test_history_records_runs_and_prints_the_trend(self):
        db = self.tmp / "history.db"
        for _ in range(2):
            proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *QUICK, "--history", str(db))
            self.assertEqual(proc.returncode, 0, proc.stderr)
        proc = run("history", "fixture_sum_array", "--history", str(db))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = [l for l in proc.stdout.splitlines() if l[:1].isdigit()]
        self.assertEqual(len(lines), 2)
        self.assertEqual(run("history", "fixture_sum_array", "--history", str(self.tmp / "none.db")).returncode, 2)

    def test_aggregate_refuses_broken_records_by_name(self):
        first, second = self.tmp / "repo-a", self.tmp / "repo-b"
        for d in (first, second):
            proc = run("run", "--plugin-dir", str(GOOD), "-o", str(d), *QUICK)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        (second / "raw" / "broken.json").write_text('{"target_id": "x", "metrics": {}}')
        (second / "raw" / "garbage.json").write_bytes(b"\x00\xff not json")
        proc = run("aggregate", str(first), str(second), "-o", str(self.tmp / "merged"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("broken.json", proc.stderr)
        self.assertIn("garbage.json", proc.stderr)
        merged = json.loads((self.tmp / "merged" / "results.json").read_text())
        self.assertEqual([s["name"] for s in merged["sources"]], ["repo-a", "repo-b"])
        self.assertEqual(len(merged["sources"][1]["refused"]), 2)
        self.assertEqual({t["target_id"] for t in merged["targets"]}, {"fixture_sum_array", "fixture_copy_bytes"})
        summary = (self.tmp / "merged" / "summary.md").read_text()
        self.assertIn("| Target | repo-a | repo-b |", summary)
        self.assertIn("## Refused files", summary)

    def test_interrupt_keeps_finished_results(self):
        both = self.tmp / "both"
        both.mkdir()
        shutil.copy(GOOD / "good_c_plugin.so", both / "a_good.so")
        shutil.copy(HOSTILE / "misbehaving_hang_run.so", both / "b_hang.so")
        shutil.copy(GOOD / "good_c_plugin.so", both / "c_dup.so")
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(both), "-o", str(self.out), *QUICK],
                                stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            raw = list((self.out / "raw").glob("*.json")) if (self.out / "raw").exists() else []
            if len(raw) == 2:
                break
            time.sleep(0.05)
        time.sleep(0.3)  # now inside the hanging target
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
        self.assertNotEqual(proc.returncode, 0)
        self.check_every_file()
        results = self.results()
        status = {t["target_id"]: t["status"] for t in results["targets"] if t["status"] != "invalid"}
        self.assertEqual(status["fixture_sum_array"], "ok")
        self.assertEqual(status["misbehaving_hang_run"], "not_run")
        self.assertTrue((self.out / "summary.md").exists())


    def test_interrupt_in_a_later_round_keeps_the_rounds_that_finished(self):
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(GOOD), "-o", str(self.out),
                                 "--warmup-time", "0.01", "--min-time", "2", "--rounds", "3"],
                                stderr=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stderr:  # round 1 takes about 4 s
            lines.append(line)
            if line.startswith("Round 2 of 3"):
                break
        time.sleep(0.5)  # inside round 2 of the first target
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=30)
        stderr = "".join(lines) + rest
        self.assertNotEqual(proc.returncode, 0, stderr)
        self.assertIn("interrupted before round 3 ended", stderr)
        self.check_every_file()
        for target in self.results()["targets"]:
            self.assertEqual(target["status"], "ok", target["reason"])
            self.assertEqual(set(target["samples"]["repetition"]), {0}, target["target_id"])
            self.assertTrue((self.out / "raw" / f"{target['target_id']}.json").exists())

if __name__ == "__main__":
    unittest.main(verbosity=2)

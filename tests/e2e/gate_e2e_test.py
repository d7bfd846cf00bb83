#!/usr/bin/env python3
"""The regression gate as a CI pipeline uses it: compare's verdicts on
broken targets and unrelated runs, one run per output directory, output
directories that show exactly one run, signals, and the command line's
refusals. Runs the real binary on the fixture plugins.

usage: gate_e2e_test.py COST_OPS_BINARY FIXTURE_DIR SCHEMA_DIR
"""
import json
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

import e2e_support

HOST, FIXTURES, SCHEMAS = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
GOOD = FIXTURES / "good"
HOSTILE = FIXTURES / "hostile"
QUICK = ["--warmup-time", "0", "--min-time", "0.02", "--min-samples", "3"]


def run(*args, timeout=120, **kwargs):
    return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def results_validator():
    return e2e_support.results_validator(SCHEMAS)


class Gate(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-gate-"))
        os.chmod(self.tmp, 0o755)
        self.out = self.tmp / "out"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def good_run(self, out, *extra):
        proc = run("run", "--plugin-dir", GOOD, "-o", out, *QUICK, *extra)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads((out / "results.json").read_text())

    # --- compare --------------------------------------------------------------

    def test_a_target_that_breaks_is_a_regression_and_quiet_names_it(self):
        self.good_run(self.out)
        broken = self.tmp / "broken.json"
        doc = json.loads((self.out / "results.json").read_text())
        target = next(t for t in doc["targets"] if t["target_id"] == "fixture_copy_bytes")
        target.update(status="crashed", reason="killed by SIGSEGV (Segmentation fault)",
                      samples=None, statistics=None, measurement=None, metrics={})
        broken.write_text(json.dumps(doc))
        proc = run("compare", self.out, broken)
        self.assertEqual(proc.returncode, 3, proc.stdout + proc.stderr)
        self.assertIn("fixture_copy_bytes: ok → crashed (regression): killed by SIGSEGV",
                      proc.stdout)
        self.assertNotIn("removed", proc.stdout)
        proc = run("compare", "-q", self.out, broken)
        self.assertEqual(proc.returncode, 3)
        self.assertEqual(proc.stdout.splitlines(),
                         ["fixture_copy_bytes: ok → crashed: killed by SIGSEGV (Segmentation fault)"])
        self.assertEqual(run("compare", "-q", self.out, self.out).stdout, "")
        self.assertEqual(run("compare", "--fail-on", "none", self.out, broken).returncode, 0)

    def test_runs_with_nothing_in_common_are_an_error(self):
        self.good_run(self.out)
        other = self.tmp / "other.json"
        doc = json.loads((self.out / "results.json").read_text())
        for t in doc["targets"]:
            t["target_id"] = "renamed_" + t["target_id"]
        other.write_text(json.dumps(doc))
        proc = run("compare", self.out, other)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no target in common", proc.stderr)

    def test_results_files_that_are_not_regular_files_are_refused(self):
        fifo = self.tmp / "results.json"
        os.mkfifo(fifo)
        proc = run("compare", fifo, fifo, timeout=20)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not a regular file", proc.stderr)
        proc = run("compare", "/dev/zero", "/dev/zero", timeout=20)
        self.assertEqual(proc.returncode, 2)

    # --- output directories ----------------------------------------------------

    def test_a_second_run_into_the_same_directory_is_refused_naming_the_first(self):
        first = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(GOOD), "-o", str(self.out),
                                  "--min-time", "3", "--warmup-time", "0"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):  # until the first run holds the lock
                if (self.out / ".lock").exists() and (self.out / ".lock").read_text().strip():
                    break
                time.sleep(0.05)
            proc = run("run", "--plugin-dir", GOOD, "-o", self.out, *QUICK)
            self.assertEqual(proc.returncode, 2)
            self.assertIn(f"in use by another cost-ops run (pid {first.pid})", proc.stderr)
        finally:
            first.send_signal(signal.SIGINT)
            self.assertEqual(first.wait(timeout=60), 1)
        results_validator().validate(json.loads((self.out / "results.json").read_text()))

    def test_the_directory_shows_exactly_this_run(self):
        self.good_run(self.out)
        self.good_run(self.out, "--targets", "fixture_sum_array", "--no-summary")
        self.assertEqual(sorted(p.name for p in (self.out / "raw").iterdir()),
                         ["fixture_sum_array.json"])
        self.assertFalse((self.out / "summary.md").exists())
        doc = json.loads((self.out / "results.json").read_text())
        self.assertEqual([t["target_id"] for t in doc["targets"]], ["fixture_sum_array"])

    def test_output_is_readable_as_the_umask_allows_and_never_writable_by_others(self):
        # umask 000 would make anything world-writable; 077 asks for privacy.
        for umask, directory_mode, file_mode in [("000", 0o755, 0o644), ("077", 0o700, 0o600)]:
            out, merged = self.tmp / f"out-{umask}", self.tmp / f"merged-{umask}"
            proc = subprocess.run(
                f"umask {umask} && '{HOST}' run --plugin-dir '{GOOD}' -o '{out}' "
                f"--warmup-time 0 --min-time 0.02 --save-baseline main && "
                f"'{HOST}' aggregate '{out}' -o '{merged}'",
                shell=True, capture_output=True, text=True, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            for directory in [out, out / "raw", out / "baselines", out / "baselines" / "main",
                              merged]:
                self.assertEqual(stat.S_IMODE(directory.stat().st_mode), directory_mode,
                                 (umask, directory))
            for file in [out / "results.json", out / "summary.md", out / "report.html",
                         out / "baselines" / "main" / "results.json",
                         *sorted((out / "raw").iterdir())]:
                self.assertEqual(stat.S_IMODE(file.stat().st_mode), file_mode, (umask, file))

    def test_baseline_names_and_aggregate_outputs_cannot_escape(self):
        proc = run("run", "--plugin-dir", GOOD, "-o", self.out, *QUICK, "--save-baseline", "../../x")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not a baseline name", proc.stderr)
        self.good_run(self.out)
        proc = run("aggregate", self.out, "-o", self.out / "merged")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("inside the input", proc.stderr)
        self.assertEqual(run("aggregate", self.out, "-o", self.out).returncode, 2)

    # --- signals ---------------------------------------------------------------

    def test_sighup_stops_like_ctrl_c_and_keeps_what_finished(self):
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(GOOD), "-o", str(self.out),
                                 "--min-time", "1.5", "--warmup-time", "0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.5)  # the first target has finished, the second is running
        proc.send_signal(signal.SIGHUP)
        self.assertEqual(proc.wait(timeout=60), 1)
        doc = json.loads((self.out / "results.json").read_text())
        results_validator().validate(doc)
        statuses = [t["status"] for t in doc["targets"]]
        self.assertEqual(statuses[0], "ok")
        self.assertIn("not_run", statuses)

    def test_a_closed_stderr_pipe_does_not_kill_the_run(self):
        proc = subprocess.run(
            f"'{HOST}' run --plugin-dir '{GOOD}' -o '{self.out}' --warmup-time 0 --min-time 0.05 "
            f"2>&1 | head -1; echo \"status ${{PIPESTATUS[0]}}\"",
            shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120)
        self.assertIn("status 0", proc.stdout)
        doc = json.loads((self.out / "results.json").read_text())
        self.assertEqual([t["status"] for t in doc["targets"]], ["ok", "ok"])

    def test_ctrl_c_while_probing_leaves_a_valid_results_file(self):
        plugins = self.tmp / "plugins"
        plugins.mkdir()
        shutil.copy(HOSTILE / "misbehaving_hang_entry.so", plugins / "a_hang_entry.so")
        shutil.copy(GOOD / "good_c_plugin.so", plugins / "b_good.so")
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(plugins), "-o", str(self.out),
                                 "--probe-timeout", "30"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, stderr)
        doc = json.loads((self.out / "results.json").read_text())
        results_validator().validate(doc)
        self.assertEqual([p["status"] for p in doc["plugins"]], ["not_run", "not_run"])

    # --- provenance -----------------------------------------------------------

    def git(self, repo, *args):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                              check=True, env=env).stdout.strip()

    def test_run_records_the_benchmarked_checkout_apart_from_the_host_build(self):
        repo = self.tmp / "repo"
        repo.mkdir()
        self.git(repo, "init", "-q", "-b", "feature")
        (repo / "code.txt").write_text("v1")
        self.git(repo, "add", "code.txt")
        self.git(repo, "commit", "-q", "-m", "one")
        head = self.git(repo, "rev-parse", "HEAD")
        (repo / "code.txt").write_text("v2")  # uncommitted
        proc = run("run", "--plugin-dir", GOOD, "-o", self.out, *QUICK, cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((self.out / "results.json").read_text())
        checkout = {k: doc["source"][k] for k in ("commit", "branch", "dirty")}
        self.assertEqual(checkout, {"commit": head, "branch": "feature", "dirty": True})
        # the run's series in the store: the checkout's name (no origin) and this machine
        self.assertEqual(doc["source"]["repository"], "repo")
        self.assertTrue(doc["source"]["machine_id"])
        self.assertNotEqual(doc["environment"]["git_commit"], head)  # the host's own build
        self.assertIn("git_dirty", doc["environment"])
        proc = run("run", "--plugin-dir", GOOD, "-o", self.out, *QUICK, "--commit", "abc123",
                   "--branch", "main", "--history", self.tmp / "h.db", cwd=repo)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((self.out / "results.json").read_text())
        checkout = {k: doc["source"][k] for k in ("commit", "branch", "dirty")}
        self.assertEqual(checkout, {"commit": "abc123", "branch": "main", "dirty": False})
        history = run("history", "fixture_sum_array", "--history", self.tmp / "h.db")
        self.assertIn("abc123", history.stdout)

    def test_the_build_records_the_commit_at_build_time(self):
        repo = self.tmp / "src"
        repo.mkdir()
        self.git(repo, "init", "-q")
        (repo / "a.txt").write_text("1")
        self.git(repo, "add", "a.txt")
        self.git(repo, "commit", "-q", "-m", "first")
        header = self.tmp / "build_commit.hpp"
        script = pathlib.Path(__file__).resolve().parents[2] / "cmake" / "WriteBuildCommit.cmake"

        def build():
            subprocess.run(["cmake", f"-DSOURCE_DIR={repo}", f"-DOUT={header}", "-P", str(script)],
                           check=True, capture_output=True)
            return header.read_text()

        first = build()
        self.assertIn(self.git(repo, "rev-parse", "--short=12", "HEAD"), first)
        self.assertIn("kHostGitDirty = false", first)
        mtime = header.stat().st_mtime_ns
        self.assertEqual(build(), first)
        self.assertEqual(header.stat().st_mtime_ns, mtime)  # unchanged: nothing recompiles
        (repo / "a.txt").write_text("2")
        self.assertIn("kHostGitDirty = true", build())
        self.git(repo, "commit", "-q", "-am", "second")
        second = build()
        self.assertIn(self.git(repo, "rev-parse", "--short=12", "HEAD"), second)
        self.assertNotEqual(first, second)
        self.assertIn("kHostGitDirty = false", second)

    # --- the command line ------------------------------------------------------

    def test_the_command_line_refuses_what_it_cannot_mean(self):
        cases = {
            ("storage",): "did you mean --targets storage",
            ("--min-samples=-3",): "--min-samples -3",
            ("--repetitions=-1",): "--repetitions -1",
            ("--rounds", "0"): "--rounds 0",
            ("--min-time", "inf"): "--min-time inf",
            ("--min-time", "nan"): "--min-time nan",
            ("--warmup-time", "-1"): "--warmup-time -1",
            ("--min-time", "3", "--timeout", "2"): "--timeout 2 s is not above",
            ("--timeout", "1e10"): "--timeout 1e+10",
            ("--probe-timeout", "0"): "--probe-timeout 0",
        }
        for args, message in cases.items():
            proc = run("run", "--plugin-dir", GOOD, "-o", self.out, *args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(message, proc.stderr, args)
        self.assertFalse(self.out.exists())  # refused before anything ran

    def test_every_command_lists_its_exit_codes(self):
        for command in ["run", "plugins", "compare", "history", "aggregate", "new-plugin"]:
            proc = run(command, "--help")
            self.assertEqual(proc.returncode, 0, command)
            self.assertIn("Exit codes:", proc.stdout, command)
        self.assertIn("3 ", run("compare", "--help").stdout.split("Exit codes:")[1])
        self.assertIn("3 ", run("run", "--help").stdout.split("Exit codes:")[1])


if __name__ == "__main__":
    unittest.main(verbosity=2)

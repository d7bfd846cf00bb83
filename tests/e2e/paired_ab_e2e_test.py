#!/usr/bin/env python3
"""End-to-end tests of the paired A/B mode (`run --ab-paired`): the files and
exit codes it produces, its usage errors, Ctrl-C, the self-check and every ABI
version on either side. Only structure is asserted, never a verdict that
depends on the machine's speed or load (the statistics are unit-tested on
synthetic data in tests/host/paired_statistics_test.cpp).
usage: paired_ab_e2e_test.py COST_OPS FIXTURE_DIR SCHEMAS_DIR"""
import json
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from e2e_support import results_validator  # noqa: E402

HOST = pathlib.Path(sys.argv[1]).resolve()
FIXTURES = pathlib.Path(sys.argv[2]).resolve()
SCHEMAS = pathlib.Path(sys.argv[3]).resolve()
GOOD = FIXTURES / "good"
# Short workers: the tests check what is written, not what is measured.
QUICK = ["--ab-paired", "--min-time", "0.02", "--warmup-time", "0.005", "--ab-max-processes", "3",
         "--ab-max-time", "1", "--min-samples", "3"]


def run(*args, **kwargs):
    return subprocess.run([str(HOST), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kwargs)


class PairedAbTest(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="paired-e2e-"))
        self.out = self.tmp / "out"
        self.validator = results_validator(SCHEMAS)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def results(self, directory=None):
        doc = json.loads(((directory or self.out) / "results.json").read_text())
        errors = [e.message for e in self.validator.iter_errors(doc)]
        self.assertEqual(errors, [])
        return doc

    def test_a_paired_run_writes_both_sides_and_the_paired_block(self):
        # An A/A run of one directory: the host loads a copy for the baseline.
        proc = run("run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(GOOD),
                   "-o", str(self.out), "--threshold", "50", "--alpha", "0.05", *QUICK)
        self.assertIn(proc.returncode, (0, 3), proc.stderr)  # 3 only if +50% were "found"
        self.assertIn("Paired A/B against", proc.stdout)  # verdicts are results: stdout
        new = self.results()
        old = self.results(self.out / "ab-baseline")
        block = new["ab_paired"]
        self.assertEqual(block["basis"], "processes")
        self.assertEqual((block["alpha"], block["threshold_percent"]), (0.05, 50))
        self.assertEqual(block["max_processes"], 3)
        ids = [t["target_id"] for t in new["targets"]]
        self.assertEqual([t["target_id"] for t in block["targets"]], ids)
        self.assertEqual([t["target_id"] for t in old["targets"]], ids)
        for entry, target, twin in zip(block["targets"], new["targets"], old["targets"]):
            self.assertEqual(target["status"], "ok", target.get("reason"))
            self.assertIn(entry["verdict"], ("no change", "noisy", "slower", "faster"))
            self.assertTrue(1 <= entry["processes"] <= 3)
            self.assertEqual(len(entry["process_changes_percent"]), entry["processes"])
            self.assertGreaterEqual(entry["pairs"], 3 * entry["processes"])
            self.assertIsNone(entry["layout_sensitivity_percent"])
            # Each pair is one sample a side, labelled with its worker process.
            self.assertEqual(len(target["samples"]["process"]), entry["pairs"])
            self.assertEqual(len(twin["samples"]["process"]), entry["pairs"])
            self.assertEqual(sorted(set(target["samples"]["process"])),
                             list(range(entry["processes"])))
        self.assertIn("Paired A/B", (self.out / "summary.md").read_text())
        # The process-level A/B mode is untouched: no paired block there.
        proc = run("run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(GOOD),
                   "-o", str(self.tmp / "rounds"), "--min-time", "0.02", "--warmup-time", "0.005",
                   "--rounds", "2")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("ab_paired", self.results(self.tmp / "rounds"))

    def test_self_check_stores_a_layout_sensitivity_per_target(self):
        proc = run("run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(GOOD),
                   "-o", str(self.out), "--targets", "fixture_sum_array", "--threshold", "50",
                   "--ab-self-check", *QUICK)
        self.assertIn(proc.returncode, (0, 3), proc.stderr)
        block = self.results()["ab_paired"]
        self.assertTrue(block["self_check"])
        (entry,) = block["targets"]
        self.assertIn("self_check", entry)
        self.assertIn(entry["self_check"]["verdict"], ("no change", "noisy", "slower", "faster"))
        sensitivity = entry["layout_sensitivity_percent"]
        if sensitivity is not None:  # null when the check had too few workers for an interval
            self.assertGreaterEqual(sensitivity, 0)
            self.assertEqual(entry["threshold_percent"], max(50, sensitivity))

    def test_every_abi_version_runs_on_either_side(self):
        pairs = [(FIXTURES / "abi_1_0", GOOD, "fixture_sum_array"),
                 (GOOD, FIXTURES / "abi_1_0", "fixture_sum_array"),
                 (FIXTURES / "abi_1_1", FIXTURES / "family", "fixture_scan_64"),
                 (FIXTURES / "family", FIXTURES / "abi_1_1", "fixture_scan_64"),
                 (FIXTURES / "abi_1_2", FIXTURES / "reset", "fixture_reset_sleeps"),
                 (FIXTURES / "reset", FIXTURES / "abi_1_2", "fixture_reset_sleeps"),
                 (FIXTURES / "abi_1_3", FIXTURES / "manual_timing", "fixture_manual_time"),
                 (FIXTURES / "manual_timing", FIXTURES / "abi_1_3", "fixture_manual_time")]
        for index, (baseline, current, target) in enumerate(pairs):
            out = self.tmp / f"abi{index}"
            proc = run("run", "--plugin-dir", str(current), "--ab-baseline-plugin-dir",
                       str(baseline), "-o", str(out), "--targets", target, "--threshold", "50",
                       *QUICK)
            # 1 when the new side's directory holds a plugin that is not ok
            # (abi_1_0 has a declining one); the target itself must run.
            self.assertIn(proc.returncode, (0, 1, 3), f"{baseline} vs {current}: {proc.stderr}")
            doc = self.results(out)
            self.assertEqual([t["status"] for t in doc["targets"]], ["ok"], proc.stderr)
            self.assertGreater(doc["ab_paired"]["targets"][0]["pairs"], 0)

    def test_each_side_reports_its_threads_metrics_and_counters(self):
        # As on the process path: a threaded target's thread count, its
        # metrics and its counters, each side from its own plugin.
        threaded = FIXTURES / "threaded"
        proc = run("run", "--plugin-dir", str(threaded), "--ab-baseline-plugin-dir", str(threaded),
                   "-o", str(self.out), "--targets", "fixture_threads", "--threshold", "50", *QUICK)
        self.assertIn(proc.returncode, (0, 3), proc.stderr)
        for doc in (self.results(), self.results(self.out / "ab-baseline")):
            (target,) = doc["targets"]
            self.assertEqual(target["status"], "ok", target.get("reason"))
            metrics = target["metrics"]
            self.assertEqual(metrics["threads"], 2)
            self.assertEqual(metrics["distinct_threads"], 2)
            self.assertAlmostEqual(metrics["work_units_per_op"], 3.0, delta=1e-9)
            self.assertGreater(metrics["work_units_per_second"], 0)
            self.assertNotIn("work_units", metrics)

    def test_usage_errors_name_the_option(self):
        cases = [
            (["--ab-paired"], "--ab-paired needs --ab-baseline-plugin-dir"),
            (["--ab-baseline-plugin-dir", str(GOOD), "--ab-self-check"],
             "--ab-self-check goes with --ab-paired"),
            (["--ab-baseline-plugin-dir", str(GOOD), "--ab-paired", "--ab-max-processes", "2"],
             "--ab-max-processes 2 is not a count from 3"),
            (["--ab-baseline-plugin-dir", str(GOOD), "--ab-paired", "--ab-max-time", "0"],
             "--ab-max-time"),
            (["--ab-baseline-plugin-dir", str(GOOD), "--ab-paired", "--rounds", "3"],
             "--rounds does not apply to --ab-paired"),
        ]
        for extra, message in cases:
            proc = run("run", "--plugin-dir", str(GOOD), "-o", str(self.out), *extra)
            self.assertEqual(proc.returncode, 2, extra)
            self.assertIn(message, proc.stderr)
        self.assertIn("--ab-paired", run("run", "--help").stdout)

    def test_ctrl_c_keeps_what_finished(self):
        proc = subprocess.Popen(
            [str(HOST), "run", "--plugin-dir", str(GOOD), "--ab-baseline-plugin-dir", str(GOOD),
             "-o", str(self.out), "--ab-paired", "--min-time", "0.05", "--warmup-time", "0.005",
             "--ab-max-processes", "1000", "--ab-max-time", "600", "--threshold", "0",
             "--alpha", "0.000001"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Wait for the first target to start (its progress line), then interrupt.
        deadline = time.monotonic() + 60
        seen = ""
        while "running" not in seen and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 1, seen + rest)
        doc = self.results()
        statuses = [t["status"] for t in doc["targets"]]
        self.assertEqual(len(statuses), 2)
        self.assertTrue(set(statuses) <= {"ok", "not_run"}, statuses)
        stops = [t["stopped"] for t in doc["ab_paired"]["targets"]]
        self.assertIn("interrupted", stops)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

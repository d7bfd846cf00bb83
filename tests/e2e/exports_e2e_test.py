#!/usr/bin/env python3
"""`cost-ops export`, each format read by its consumer's own reader where
one exists: Google Benchmark's compare.py (Debian libbenchmark-tools) on two
gbench-json exports, xmllint against a JUnit schema, Python's csv module,
and the shapes Bencher and github-action-benchmark document.

Debian's python3-scipy cannot be installed beside Boost 1.81 (it pulls in
libboost1.74-dev), so compare.py is given a minimal scipy.stats with the two
functions it imports (mannwhitneyu, gmean); everything else is its own.

usage: exports_e2e_test.py COST_OPS FIXTURE_DIR SOURCE_DIR
"""
import csv
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from e2e_support import SCIPY_SHIM

HOST, FIXTURES, SOURCE = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
GOOD = FIXTURES / "good"
COMPARE_PY = pathlib.Path("/usr/share/benchmark/compare.py")


def cost_ops(*args):
    return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True, timeout=300)


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-exports-"))
        os.chmod(cls.tmp, 0o755)
        for name in ("a", "b"):
            proc = cost_ops("run", "--plugin-dir", GOOD, "-o", cls.tmp / name, "--rounds", "3",
                            "--warmup-time", "0", "--min-time", "0.02", "--min-samples", "3")
            assert proc.returncode == 0, proc.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def export(self, run, fmt, *extra):
        out = self.tmp / f"{run}.{fmt}"
        proc = cost_ops("export", self.tmp / run, "--format", fmt, "-o", out, *extra)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return out

    def test_google_benchmark_compare_py_reads_two_exports(self):
        if not COMPARE_PY.exists():
            self.fail("libbenchmark-tools is not installed (scripts/setup.sh installs it)")
        shim = self.tmp / "shim" / "scipy"
        shim.mkdir(parents=True, exist_ok=True)
        (shim / "__init__.py").write_text("")
        (shim / "stats.py").write_text(SCIPY_SHIM)
        env = dict(os.environ, PYTHONPATH=str(shim.parent))
        proc = subprocess.run(["/usr/bin/python3", COMPARE_PY, "benchmarks",
                               self.export("a", "gbench-json"), self.export("b", "gbench-json")],
                              capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for target in ("fixture_sum_array", "fixture_copy_bytes"):
            self.assertIn(target, proc.stdout)
        self.assertIn("U Test", proc.stdout)  # three repetitions a side: compare.py tested them
        doc = json.loads(self.export("a", "gbench-json").read_text())
        self.assertIn("context", doc)
        rows = [b for b in doc["benchmarks"] if b["name"] == "fixture_sum_array"]
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(r["time_unit"] == "ns" and r["iterations"] > 0 for r in rows))
        # A crashed target is present as Google Benchmark writes an error, and
        # compare.py still compares the others.
        broken = self.broken_run()
        doc = json.loads(self.export(broken, "gbench-json").read_text())
        crashed = [b for b in doc["benchmarks"] if b["name"] == "fixture_copy_bytes"]
        self.assertEqual(len(crashed), 1)
        self.assertTrue(crashed[0]["error_occurred"])
        self.assertIn("crashed: killed by SIGSEGV", crashed[0]["error_message"])
        proc = subprocess.run(["/usr/bin/python3", COMPARE_PY, "benchmarks",
                               self.export("a", "gbench-json"), self.tmp / f"{broken}.gbench-json"],
                              capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("fixture_sum_array", proc.stdout)

    def broken_run(self):
        """Run a with fixture_copy_bytes crashed; its directory name."""
        broken = json.loads((self.tmp / "a/results.json").read_text())
        target = next(t for t in broken["targets"] if t["target_id"] == "fixture_copy_bytes")
        target.update(status="crashed", reason="killed by SIGSEGV <&>", samples=None,
                      statistics=None, measurement=None, metrics={})
        (self.tmp / "broken").mkdir(exist_ok=True)
        (self.tmp / "broken/results.json").write_text(json.dumps(broken))
        return "broken"

    def test_junit_validates_and_marks_regressions(self):
        xsd = SOURCE / "tests/e2e/junit.xsd"
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, self.export("a", "junit")],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # The same run with one target broken, against run a as the baseline.
        junit = self.export(self.broken_run(), "junit", "--baseline", self.tmp / "a").read_text()
        self.assertIn('failures="1"', junit)
        self.assertIn('type="regression"', junit)
        self.assertIn("ok → crashed: killed by SIGSEGV &lt;&amp;&gt;", junit)
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, self.tmp / "broken.junit"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_csv_bmf_and_github_action_benchmark(self):
        rows = list(csv.DictReader(io.StringIO(self.export("a", "csv").read_text(), newline="")))
        self.assertEqual({r["target_id"] for r in rows}, {"fixture_sum_array", "fixture_copy_bytes"})
        self.assertTrue(all(float(r["median_ns"]) > 0 and r["status"] == "ok" for r in rows))
        bmf = json.loads(self.export("a", "bmf").read_text())
        latency = bmf["fixture_sum_array"]["latency"]
        self.assertLessEqual(latency["lower_value"], latency["value"])
        self.assertLessEqual(latency["value"], latency["upper_value"])
        self.assertIn("throughput", bmf["fixture_sum_array"])
        gab = json.loads(self.export("a", "github-action-benchmark").read_text())
        self.assertEqual({e["unit"] for e in gab}, {"ns"})
        self.assertTrue(all({"name", "value", "unit"} <= e.keys() for e in gab))

    def test_bad_requests(self):
        self.assertEqual(cost_ops("export", self.tmp / "a", "--format", "yaml").returncode, 2)
        self.assertEqual(cost_ops("export", self.tmp / "nowhere", "--format", "csv").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)

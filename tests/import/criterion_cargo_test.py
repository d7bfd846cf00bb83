#!/usr/bin/env python3
"""Criterion.rs itself: the tiny suite (tests/import/criterion/) built with
cargo offline against Debian's crate registry, run 5 times as is and 5 times
with COSTOPS_TINY_SLOWDOWN=3 (short measurement times, set in benches/tiny.rs), each run's
target/criterion imported; compare says `slower` for the slowed runs and
the import of one run keeps Criterion's samples. The build is the slow part
(criterion and its dependencies, once per build directory); the committed
fixtures (fixtures/criterion/) keep the rest of the import tests fast.

usage: criterion_cargo_test.py COST_OPS CRATE_DIR TARGET_DIR
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HOST, CRATE_SOURCE, TARGET = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "e2e"))
from e2e_support import find_cargo  # noqa: E402

RUNS = 5


class CriterionCargo(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-criterion-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.cargo = find_cargo()
        if self.cargo is None:
            self.fail("cargo is not installed (scripts/setup.sh installs it)")
        # cargo writes Cargo.lock beside the manifest: build a copy kept in
        # the build tree (a stable path, so its builds are reused), never the sources.
        self.crate = TARGET / "crate"
        shutil.rmtree(self.crate, ignore_errors=True)
        shutil.copytree(CRATE_SOURCE, self.crate)
        home = self.tmp / "cargo-home"
        home.mkdir()
        shutil.copy(self.crate / "cargo-home" / "config.toml", home / "config.toml")
        self.env = dict(os.environ, CARGO_HOME=str(home), CARGO_TARGET_DIR=str(TARGET / "target"))
        # rustup's cargo finds its toolchain through RUSTUP_HOME, not CARGO_HOME
        if "RUSTUP_HOME" not in self.env and (pathlib.Path.home() / ".rustup").exists():
            self.env["RUSTUP_HOME"] = str(pathlib.Path.home() / ".rustup")

    def bench(self, name, slowdown):
        out = self.tmp / name
        env = dict(self.env, CRITERION_HOME=str(out), COSTOPS_TINY_SLOWDOWN=str(slowdown))
        proc = subprocess.run([self.cargo, "bench", "--offline", "--quiet", "--manifest-path",
                               str(self.crate / "Cargo.toml"), "--bench", "tiny", "--",
                               "--noplot"],
                              capture_output=True, text=True, env=env, timeout=900)
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return out

    def cost_ops(self, *args):
        return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True,
                              timeout=300)

    def test_real_criterion_imported_and_compared(self):
        normal, slow = [], []
        for i in range(RUNS):  # interleaved: the machine's drift hits both sides
            normal.append(self.bench(f"normal-{i}", 1))
            slow.append(self.bench(f"slow-{i}", 3))
        runs = {}
        for name, dirs in (("normal", normal), ("slow", slow)):
            runs[name] = self.tmp / f"run-{name}"
            proc = self.cost_ops("import", "criterion", *dirs, "-o", runs[name])
            self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((runs["normal"] / "results.json").read_text())
        fold = [t for t in doc["targets"] if t["target_id"] == "sums_fold_2048"][0]
        self.assertEqual(len(fold["samples"]["iterations"]), RUNS * 20)
        self.assertEqual(fold["metrics"]["items_per_operation"], 2048)
        proc = self.cost_ops("compare", runs["normal"], runs["slow"], "--threshold", "50",
                             "--format", "json")
        self.assertEqual(proc.returncode, 3, proc.stdout + proc.stderr)
        verdicts = {t["target_id"]: t["verdict"] for t in json.loads(proc.stdout)["targets"]}
        self.assertEqual(verdicts["sums_fold_2048"], "slower")


if __name__ == "__main__":
    unittest.main(verbosity=2)

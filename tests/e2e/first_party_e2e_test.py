#!/usr/bin/env python3
"""End-to-end run of the six first-party plugins through the real host.

Every target must finish `ok` (each one verifies its own result), report the
metrics the issue's table names, and the summary must carry the scaling
section. Also checks the plugin files themselves: one exported symbol each.

usage: first_party_e2e_test.py COST_OPS_BINARY PLUGIN_DIR SCHEMA_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HOST, PLUGINS, SCHEMAS = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]

EXPECTED_METRICS = {
    "cost_calculator": ["records_per_operation"],
    "aggregator": ["records_per_aggregation"],
    "forecasting": ["data_points", "horizon"],
    "compression": ["throughput_mb_per_sec", "uncompressed_size_bytes", "compression_ratio"],
    "export": ["rows", "bytes_per_report", "throughput_mb_per_sec"],
    "export_json": ["rows", "bytes_per_report"],
    "storage": ["rows_per_operation", "database"],
    "storage_batch_1000": ["rows_per_operation", "database", "yardstick_target"],
    "storage_batch_1000_sqlite_c": ["rows_per_operation", "database"],
    "storage_read_day": ["rows_per_operation", "database"],
}
SCALING = {
    "cost_calculator": [100, 1000, 10000],
    "aggregator": [100, 1000, 10000, 100000],
    "forecasting": [30, 100, 1000],
    "compression": [65536, 1048576, 16777216],
}
PROVIDER_CASES = ["cost_calculator_openai", "cost_calculator_anthropic", "cost_calculator_google_vertex",
                  "cost_calculator_azure", "cost_calculator_cached", "cost_calculator_tiered",
                  "cost_calculator_per_request"]


class FirstPartyPlugins(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-first-party-"))
        cls.out = cls.tmp / "out"
        cls.proc = subprocess.run(
            [str(HOST), "run", "--plugin-dir", str(PLUGINS), "-o", str(cls.out), "--warmup-time", "0",
             "--min-time", "0.01", "--min-samples", "2"], capture_output=True, text=True, timeout=600)
        cls.results = json.loads((cls.out / "results.json").read_text())
        cls.by_id = {t["target_id"]: t for t in cls.results["targets"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_target_is_ok(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        bad = {t["target_id"]: t["reason"] for t in self.results["targets"] if t["status"] != "ok"}
        self.assertEqual(bad, {})
        self.assertEqual(len(self.results["plugins"]), 6)
        for plugin in self.results["plugins"]:
            self.assertEqual(plugin["status"], "ok", plugin)

    def test_every_target_records_its_plugin_version_and_build(self):
        for target in self.results["targets"]:
            plugin = target["plugin"]
            self.assertEqual(plugin["name"], "costops-" + pathlib.Path(plugin["path"]).stem.replace("_", "-"))
            self.assertEqual(plugin["version"], self.results["host_version"])  # one project version
            self.assertRegex(plugin["build_info"], r"^(gcc|clang) .+, \w+")
            self.assertEqual(plugin["abi_version"], "1.4")

    def test_table_metrics(self):
        for target, keys in EXPECTED_METRICS.items():
            for key in keys:
                with self.subTest(target=target, key=key):
                    self.assertIn(key, self.by_id[target]["metrics"])
            raw = json.loads((self.out / "raw" / f"{target}.json").read_text())
            self.assertEqual(raw["target_id"], target)

    def test_scaling_cases_and_summary_section(self):
        summary = (self.out / "summary.md").read_text()
        self.assertIn("## Scaling", summary)
        for family, sizes in SCALING.items():
            self.assertIn(f"### {family}\n", summary)
            for size in sizes:
                self.assertIn(f"{family}_{size}", self.by_id)

    def test_provider_and_pricing_model_cases(self):
        for target in PROVIDER_CASES:
            self.assertIn(target, self.by_id)
        models = {self.by_id[t]["metrics"].get("pricing_model") for t in PROVIDER_CASES}
        self.assertEqual(models, {"per_token", "cached_input_discount", "tiered", "per_request"})

    def test_storage_inserts_start_every_batch_from_the_same_table(self):
        # reset() (ABI 1.2) deletes each batch's rows and checks that the
        # table is back at rows_at_batch_start, failing the target otherwise;
        # teardown checks the count once more. So "ok" with one reset per
        # batch (warm-up, calibration, samples) means every run() started
        # from the same table.
        out = self.tmp / "storage"
        proc = subprocess.run(
            [str(HOST), "run", "--plugin-dir", str(PLUGINS), "-o", str(out), "--warmup-time", "0",
             "--min-time", "0", "--min-samples", "6", "--targets",
             "storage,storage_batch_1000,storage_batch_1000_sqlite_c"],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        by_id = {t["target_id"]: t for t in json.loads((out / "results.json").read_text())["targets"]}
        for target in by_id.values():
            with self.subTest(target=target["target_id"]):
                self.assertEqual(target["status"], "ok", target["reason"])
                self.assertEqual(target["metrics"]["rows_at_batch_start"], 10000)
                self.assertGreaterEqual(target["metrics"]["batches_restored"],
                                        target["statistics"]["samples"] + 2)
        self.assertEqual(by_id["storage_batch_1000"]["metrics"]["yardstick_target"],
                         "storage_batch_1000_sqlite_c")
        self.assertIn("| storage_batch_1000 | storage_batch_1000_sqlite_c |",
                      (out / "summary.md").read_text())

    def test_each_plugin_exports_exactly_one_symbol(self):
        for library in sorted(PLUGINS.glob("*.so")):
            symbols = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True,
                                     text=True, check=True).stdout.split()
            exported = [s for s in symbols if not s.startswith("0") and len(s) > 1 and s not in "TtDdBbRrWwVvUu"]
            with self.subTest(library=library.name):
                self.assertEqual(exported, ["bench_target_v1_entry"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

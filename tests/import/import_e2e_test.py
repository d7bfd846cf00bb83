#!/usr/bin/env python3
"""`cost-ops import` on the real tools' output: a tiny benchmark in Google
Benchmark, hyperfine and pytest-benchmark (and a committed real Criterion.rs
run, tests/import/fixtures/criterion/; the test labelled `cargo` runs
Criterion itself), each imported; `compare` of two imports of the same
benchmark says `no change` (or `noisy`), of a slowed build `slower` (the
slowed build's files are the base build's with every time 10x: a live
slower program could come out `noisy` on a loaded machine, and so could a
3x copy when the load alone spreads one build's processes 3x apart); the imported run through `--history` (SQLite here, PostgreSQL
when COSTOPS_TEST_STORE_URL is set) and `export --format gbench-json` into
Google Benchmark's compare.py; bad input refused with exit 2 and nothing
written; truncated and mistyped files of every format refused, never a crash.

The no-change comparisons use --threshold 50: this machine is shared with
other builds, and only the 10x slowdown (+900%) must be told apart.

usage: import_e2e_test.py COST_OPS TINY_GBENCH SOURCE_DIR
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HOST, GBENCH, SOURCE = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
HERE = SOURCE / "tests" / "import"
sys.path.insert(0, str(SOURCE / "tests" / "e2e"))
from e2e_support import SCIPY_SHIM, results_validator  # noqa: E402

COMPARE_PY = pathlib.Path("/usr/share/benchmark/compare.py")
STORE_URL = os.environ.get("COSTOPS_TEST_STORE_URL", "")
# Processes a side: the smallest count whose exact Mann-Whitney test can
# reach p < 0.05 is 4; one more leaves room.
PROCESSES = 5


def cost_ops(*args):
    return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True, timeout=300)


def check(args, **kwargs):
    """Runs a benchmark tool. In the sanitizer build the tiny Google Benchmark
    program is instrumented too; what Google Benchmark's library keeps
    allocated at exit is not this project's to report."""
    kwargs["env"] = dict(kwargs.get("env", os.environ), ASAN_OPTIONS="detect_leaks=0")
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, f"{args}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def verdicts(proc):
    """target id -> verdict from `compare --format json`."""
    doc = json.loads(proc.stdout)
    return {t["target_id"]: t["verdict"] for t in doc["targets"]}


# A slower build's files are the base build's with every time 3x longer:
# measured live, a 3x slower program under a loaded machine's noise could
# come out `noisy`, and these tests are about the host's verdicts, not about
# this machine's load.
TIME_KEYS = {
    "google-benchmark": ("real_time", "cpu_time"),
    "pytest-benchmark": ("min", "max", "mean", "stddev", "median", "iqr", "q1", "q3",
                         "ld15iqr", "hd15iqr", "total"),
    "hyperfine": ("mean", "stddev", "median", "user", "system", "min", "max"),
}


# The slowed build of the live comparisons: far beyond what load can do.
SLOWER = 10.0


def slowed_copy(fmt, source, target, factor=3.0):
    doc = json.loads(pathlib.Path(source).read_text())
    keys = TIME_KEYS[fmt]
    if fmt == "google-benchmark":
        rows = [r for r in doc["benchmarks"] if r.get("aggregate_name") != "cv"]  # cv: a ratio
    elif fmt == "pytest-benchmark":
        rows = [b["stats"] for b in doc["benchmarks"]]
    else:
        rows = doc["results"]
    for row in rows:
        for key in keys:
            if isinstance(row.get(key), (int, float)):
                row[key] *= factor
        for key in ("data", "times"):
            if key in row:
                row[key] = [value * factor for value in row[key]]
        if isinstance(row.get("ops"), (int, float)):
            row["ops"] /= factor
    pathlib.Path(target).write_text(json.dumps(doc))
    return target


class ImportTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-import-"))
        cls.validator = results_validator(SOURCE / "schemas")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def imported(self, fmt, paths, name, *extra):
        out = self.tmp / name
        proc = cost_ops("import", fmt, *paths, "-o", out, "--commit", "abc123", "--branch", "main",
                        "--repository", "example.org/team/bench", *extra)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((out / "results.json").read_text())
        errors = sorted(self.validator.iter_errors(doc), key=str)
        self.assertEqual(errors, [], errors[:1])
        for f in ("summary.md", "report.html"):
            self.assertTrue((out / f).is_file(), f)
        return out, doc

    def compare(self, base, new, *extra):
        proc = cost_ops("compare", base, new, "--format", "json", *extra)
        self.assertIn(proc.returncode, (0, 3), proc.stderr)
        return proc

    def refused(self, fmt, path, *expected):
        out = self.tmp / f"refused-{fmt}"
        proc = cost_ops("import", fmt, path, "-o", out)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertFalse(out.exists(), "nothing may be written for bad input")
        self.assertEqual([p for p in out.parent.glob(f".{out.name}.import-*")], [])
        for text in expected:
            self.assertIn(text, proc.stderr)
        return proc.stderr


class GoogleBenchmark(ImportTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Interleaved, so that drift of the machine's load hits both sides.
        cls.files = {"a": [], "b": [], "slow": []}
        for i in range(PROCESSES):
            for side in ("a", "b"):
                out = cls.tmp / f"gbench-{side}-{i}.json"
                check([GBENCH, "--benchmark_format=json", "--benchmark_min_time=0.02",
                       "--benchmark_repetitions=2", "--benchmark_filter=^(BM_mix|BM_broken)",
                       f"--benchmark_out={out}",
                       "--benchmark_out_format=json"])
                cls.files[side].append(out)
            cls.files["slow"].append(slowed_copy("google-benchmark", cls.files["a"][-1],
                                                 cls.tmp / f"gbench-slow-{i}.json", SLOWER))

    def test_samples_repetitions_processes_errors_counters(self):
        out, doc = self.imported("google-benchmark", self.files["a"], "gb-a")
        targets = {t["target_id"]: t for t in doc["targets"]}
        self.assertEqual(set(targets), {"bm_mix_256", "bm_mix_2048", "bm_broken"})
        mix = targets["bm_mix_256"]
        self.assertEqual(mix["status"], "ok")
        self.assertEqual(mix["description"], "BM_mix/256")
        # two repetitions in each of five processes: ten samples, not the aggregates
        self.assertEqual(len(mix["samples"]["iterations"]), 2 * PROCESSES)
        self.assertEqual(sorted(set(mix["samples"]["process"])), list(range(PROCESSES)))
        self.assertEqual(mix["statistics"]["between_processes"]["processes"], PROCESSES)
        self.assertNotIn("summary_only", mix)
        self.assertEqual(mix["metrics"]["counter_rounds"], 256)
        self.assertIn("gbench_items_per_second", mix["metrics"])
        self.assertEqual(targets["bm_broken"]["status"], "failed")
        self.assertIn("broken on purpose", targets["bm_broken"]["reason"])
        self.assertEqual(doc["settings"]["imported_from"], "google-benchmark")
        self.assertEqual(doc["settings"]["tool_command"], str(GBENCH))
        self.assertEqual(doc["source"]["commit"], "abc123")
        self.assertEqual(len(list((out / "raw").glob("*.json"))), 2)  # the ok targets
        summary = (out / "summary.md").read_text()
        self.assertIn("imported_from google-benchmark", summary)
        self.assertIn("cost-ops import google-benchmark", summary)

    def test_complexity_rows_skips_and_argument_families(self):
        """->Complexity() adds BigO and RMS rows (a fit of the family, no
        time of their own); Google Benchmark 1.8's SkipWithMessage marks a
        row skipped (the installed 1.7 cannot: that row is written here as
        1.8 writes it)."""
        data = self.tmp / "complexity.json"
        check([GBENCH, "--benchmark_format=json", "--benchmark_min_time=0.005",
               "--benchmark_repetitions=2", "--benchmark_filter=BM_scaling",
               f"--benchmark_out={data}"])
        doc = json.loads(data.read_text())
        self.assertEqual(sorted({b.get("aggregate_name") for b in doc["benchmarks"]} - {None}),
                         ["BigO", "RMS", "cv", "mean", "median", "stddev"])
        doc["benchmarks"].append({
            "name": "BM_gpu/64", "family_index": 9, "per_family_instance_index": 0,
            "run_name": "BM_gpu/64", "run_type": "iteration", "repetitions": 1,
            "repetition_index": 0, "threads": 1, "skipped": True,
            "skip_message": "no GPU on this runner", "iterations": 0, "real_time": 0.0,
            "cpu_time": 0.0, "time_unit": "ns"})
        data.write_text(json.dumps(doc))
        out, imported = self.imported("google-benchmark", [data], "gb-complexity")
        targets = {t["target_id"]: t for t in imported["targets"]}
        self.assertEqual(set(targets), {"bm_scaling_16", "bm_scaling_64", "bm_scaling_256",
                                        "bm_gpu_64"})
        for n in (16, 64, 256):
            scaling = targets[f"bm_scaling_{n}"]
            self.assertEqual(scaling["status"], "ok")
            self.assertEqual(scaling["family"], {"name": "bm_scaling", "argument": n,
                                                 "variable": "n"})
            self.assertEqual(len(scaling["samples"]["iterations"]), 2)  # no aggregate, no fit
        self.assertEqual(targets["bm_gpu_64"]["status"], "skipped")
        self.assertEqual(targets["bm_gpu_64"]["reason"], "no GPU on this runner")
        self.assertIn("bm_scaling", (out / "summary.md").read_text())  # the family's fit

    def test_context_is_the_environment(self):
        """The context block of the installed Google Benchmark's own file is
        the run's environment; from another host it is that host's."""
        context = json.loads(self.files["a"][0].read_text())["context"]
        out, doc = self.imported("google-benchmark", self.files["a"], "gb-context")
        env = doc["environment"]
        self.assertEqual(env["host_name"], context["host_name"])
        self.assertEqual(env["logical_cpus"], context["num_cpus"])
        self.assertEqual(env["load_average_1m"], context["load_avg"][0])
        self.assertEqual(env["tool_build_type"], context["library_build_type"])
        if context.get("mhz_per_cpu"):
            self.assertEqual(env["cpu_mhz"], context["mhz_per_cpu"])
        self.assertEqual([(c["type"], c["level"], c["size_bytes"], c["shared_by_cpus"])
                          for c in env.get("cpu_caches", [])],
                         [(c["type"], c["level"], c["size"], c["num_sharing"])
                          for c in context["caches"]])
        self.assertNotEqual(env["cpu_model"], "unknown")  # ran here: this machine's own facts
        self.assertIn(f"- Host: {context['host_name']}", (out / "summary.md").read_text())
        # exported back, Google Benchmark's context says what it said
        proc = cost_ops("export", out, "--format", "gbench-json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        exported = json.loads(proc.stdout)["context"]
        self.assertEqual(exported["caches"], context["caches"])
        self.assertEqual(exported["mhz_per_cpu"], context["mhz_per_cpu"])
        # The same file from another host: that host's, not this machine's.
        moved = json.loads(self.files["a"][0].read_text())
        moved["context"]["host_name"] = "bench-box-7"
        other = self.tmp / "gbench-other-host.json"
        other.write_text(json.dumps(moved))
        out = self.tmp / "gb-other-host"
        proc = cost_ops("import", "google-benchmark", other, "-o", out, "--commit", "abc123")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((out / "results.json").read_text())
        self.assertEqual(doc["environment"]["host_name"], "bench-box-7")
        self.assertEqual(doc["environment"]["cpu_model"], "unknown")
        self.assertEqual(doc["source"]["machine_id"], "bench-box-7")
        self.assertTrue(any("ran on bench-box-7" in w for w in doc["environment"]["warnings"]))

    def test_same_build_no_change_slowed_build_slower(self):
        a, _ = self.imported("google-benchmark", self.files["a"], "cmp-a")
        b, _ = self.imported("google-benchmark", self.files["b"], "cmp-b")
        slow, _ = self.imported("google-benchmark", self.files["slow"], "cmp-slow")
        same = verdicts(self.compare(a, b, "--threshold", "50"))
        self.assertIn(same["bm_mix_2048"], ("no change", "noisy"))  # live: noisy under load
        proc = self.compare(a, slow, "--threshold", "50")
        self.assertEqual(proc.returncode, 3, proc.stdout)
        self.assertEqual(verdicts(proc)["bm_mix_2048"], "slower")
        self.assertEqual(verdicts(proc)["bm_mix_256"], "slower")
        # the text form says which test decided: processes, not repetitions
        text = cost_ops("compare", a, slow, "--threshold", "50")
        self.assertIn("Mann-Whitney U test on per-process medians", text.stdout)
        # aggregate reads the imported runs' canonical records like a native run's
        table = self.tmp / "aggregate"
        proc = cost_ops("aggregate", a, slow, "-o", table)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue((table / "results.json").is_file())

    def test_aggregates_only_is_summary_only_and_never_slower(self):
        files = {"a": self.tmp / "aggregates-a.json"}
        check([GBENCH, "--benchmark_format=json", "--benchmark_min_time=0.01",
               "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
               "--benchmark_filter=BM_mix", f"--benchmark_out={files['a']}"])
        files["slow"] = slowed_copy("google-benchmark", files["a"], self.tmp / "aggregates-slow.json")
        a, doc = self.imported("google-benchmark", [files["a"]], "agg-a")
        slow, _ = self.imported("google-benchmark", [files["slow"]], "agg-slow")
        mix = [t for t in doc["targets"] if t["target_id"] == "bm_mix_2048"][0]
        self.assertTrue(mix["summary_only"])
        self.assertIn("samples: summary only", " ".join(mix["warnings"]))
        self.assertIn("samples: summary only", (a / "summary.md").read_text())
        self.assertIn("summary only", (a / "report.html").read_text())
        proc = self.compare(a, slow, "--threshold", "50")
        self.assertEqual(proc.returncode, 0, proc.stdout)  # a summary is never gated
        doc = json.loads(proc.stdout)
        row = [t for t in doc["targets"] if t["target_id"] == "bm_mix_2048"][0]
        self.assertEqual(row["basis"], "summary_values")
        self.assertEqual(row["verdict"], "noisy")  # +200%, but no test can say so
        self.assertIn("no test applies", cost_ops("compare", a, slow).stdout)

    def test_history_round_trip(self):
        a, doc = self.imported("google-benchmark", self.files["a"][:2], "hist-a")
        store = STORE_URL or str(self.tmp / "history.db")
        out = self.tmp / "hist-direct"
        proc = cost_ops("import", "google-benchmark", *self.files["a"][:2], "-o", out,
                        "--history", store, "--commit", "abc123", "--branch", "main",
                        "--repository", "example.org/team/bench", "--machine", "ci-1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Recorded as run", proc.stdout)
        run_id = proc.stdout.split("Recorded as run ")[1].split()[0]
        proc = cost_ops("history", "bm_mix_256", "--history", store, "--format", "json",
                        "--repository", "example.org/team/bench")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("abc123", proc.stdout)
        proc = cost_ops("compare", out, f"run:{run_id}", "--history", store, "--format", "json")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(verdicts(proc)["bm_mix_256"], "no change")  # the same samples

    def test_summary_only_through_the_store(self):
        """A summary-only import keeps its mark in the store: `compare` of two
        stored runs and `history` use the summary-values basis, never a test."""
        store = STORE_URL or str(self.tmp / "summary-history.db")
        repository = f"example.org/team/summary-{os.getpid()}"
        run_ids = {}
        for side in ("a", "slow"):
            data = self.tmp / f"store-aggregates-{side}.json"
            if side == "a":
                check([GBENCH, "--benchmark_format=json", "--benchmark_min_time=0.01",
                       "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
                       "--benchmark_filter=BM_mix", f"--benchmark_out={data}"])
            else:
                slowed_copy("google-benchmark", self.tmp / "store-aggregates-a.json", data)
            proc = cost_ops("import", "google-benchmark", data, "-o", self.tmp / f"store-agg-{side}",
                            "--history", store, "--repository", repository, "--branch", "main",
                            "--machine", "ci-1", "--commit", f"c0ffee{len(run_ids)}")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            run_ids[side] = proc.stdout.split("Recorded as run ")[1].split()[0]
        proc = cost_ops("compare", f"run:{run_ids['a']}", f"run:{run_ids['slow']}", "--history",
                        store, "--format", "json", "--threshold", "50")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)  # never gated
        row = [t for t in json.loads(proc.stdout)["targets"] if t["target_id"] == "bm_mix_2048"][0]
        self.assertEqual(row["basis"], "summary_values")
        self.assertEqual(row["verdict"], "noisy")  # +200%, but no test can say so
        text = cost_ops("compare", f"run:{run_ids['a']}", f"run:{run_ids['slow']}", "--history",
                        store)
        self.assertIn("no test applies", text.stdout)
        proc = cost_ops("history", "bm_mix_2048", "--history", store, "--format", "json",
                        "--repository", repository)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        runs = json.loads(proc.stdout)["runs"]
        self.assertEqual(len(runs), 2)
        self.assertTrue(all(r.get("summary_only") for r in runs))
        self.assertEqual(runs[1]["change"]["basis"], "summary_values")
        self.assertFalse(runs[1]["change"]["step"])

    def test_export_into_compare_py(self):
        if not COMPARE_PY.exists():
            self.fail("libbenchmark-tools is not installed (scripts/setup.sh installs it)")
        a, _ = self.imported("google-benchmark", self.files["a"], "exp-a")
        slow, _ = self.imported("google-benchmark", self.files["slow"], "exp-slow")
        shim = self.tmp / "shim" / "scipy"
        shim.mkdir(parents=True, exist_ok=True)
        (shim / "__init__.py").write_text("")
        (shim / "stats.py").write_text(SCIPY_SHIM)
        exported = []
        for run in (a, slow):
            f = self.tmp / f"{run.name}.gbench.json"
            proc = cost_ops("export", run, "--format", "gbench-json", "-o", f)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            exported.append(f)
        proc = subprocess.run(["/usr/bin/python3", COMPARE_PY, "--no-color", "benchmarks", *exported],
                              capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, PYTHONPATH=str(shim.parent)))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("bm_mix_2048", proc.stdout)
        row = [line for line in proc.stdout.splitlines() if line.startswith("bm_mix_2048_median ")]
        self.assertEqual(len(row), 1, proc.stdout)
        self.assertGreater(float(row[0].split()[1]), 1.0)  # compare.py sees +900%: above +100%

    def test_errors_named_and_nothing_written(self):
        good = self.files["a"][0].read_text()
        truncated = self.tmp / "truncated.json"
        truncated.write_text(good[: len(good) // 2])
        self.refused("google-benchmark", truncated, str(truncated), "not valid JSON")
        doc = json.loads(good)
        doc["benchmarks"][0]["real_time"] = "fast"
        wrong = self.tmp / "wrong-type.json"
        wrong.write_text(json.dumps(doc))
        self.refused("google-benchmark", wrong, "benchmarks[0].real_time", '"fast"')
        doc = json.loads(good)
        doc["benchmarks"][0]["time_unit"] = "fortnights"
        wrong.write_text(json.dumps(doc))
        self.refused("google-benchmark", wrong, "benchmarks[0].time_unit", "fortnights")
        doc = json.loads(good)
        clash = dict(doc["benchmarks"][0], name="BM-mix/256", run_name="BM-mix/256")
        doc["benchmarks"].append(clash)
        wrong.write_text(json.dumps(doc))
        self.refused("google-benchmark", wrong, "BM_mix/256", "BM-mix/256", "bm_mix_256")
        # unknown fields are ignored
        doc = json.loads(good)
        doc["new_top_level"] = {"x": 1}
        for b in doc["benchmarks"]:
            b["some_future_field"] = [1, 2]
        extra = self.tmp / "extra.json"
        extra.write_text(json.dumps(doc))
        self.imported("google-benchmark", [extra], "extra-fields")
        # an existing, non-empty output directory is left alone
        keep = self.tmp / "occupied"
        keep.mkdir()
        (keep / "mine.txt").write_text("keep me")
        proc = cost_ops("import", "google-benchmark", self.files["a"][0], "-o", keep)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not an empty directory", proc.stderr)
        self.assertEqual(sorted(p.name for p in keep.iterdir()), ["mine.txt"])
        proc = cost_ops("import", "nonsense", self.files["a"][0], "-o", self.tmp / "x")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not a format", proc.stderr)


class Hyperfine(ImportTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Interleaved, 2 runs a file, so that drift of the machine's load hits
        # both sides (ten runs of one side, then ten of the other, did not).
        cls.files = {"a": [], "b": [], "slow": []}
        for i in range(5):
            for side in ("a", "b"):
                out = cls.tmp / f"hyperfine-{side}-{i}.json"
                check(["hyperfine", "-N", "--runs", "2", "--warmup", "1", "--style", "none",
                       "--export-json", out, "-n", "spin", f"{GBENCH} --spin"])
                cls.files[side].append(out)
            cls.files["slow"].append(slowed_copy("hyperfine", cls.files["a"][-1],
                                                 cls.tmp / f"hyperfine-slow-{i}.json", SLOWER))

    def test_each_run_a_process_same_no_change_slowed_slower(self):
        a, doc = self.imported("hyperfine", self.files["a"], "hf-a")
        b, _ = self.imported("hyperfine", self.files["b"], "hf-b")
        slow, _ = self.imported("hyperfine", self.files["slow"], "hf-slow")
        spin = doc["targets"][0]
        self.assertEqual(spin["target_id"], "spin")
        self.assertEqual(spin["samples"]["process"], list(range(10)))
        self.assertEqual(spin["samples"]["iterations"], [1] * 10)
        self.assertEqual(doc["settings"]["tool"], "hyperfine")
        self.assertIn(verdicts(self.compare(a, b, "--threshold", "50"))["spin"],
                      ("no change", "noisy"))  # measured live: noisy under load, never a change
        proc = self.compare(a, slow, "--threshold", "50")
        self.assertEqual(proc.returncode, 3, proc.stdout)
        self.assertEqual(verdicts(proc)["spin"], "slower")

    def test_parameters_make_a_family(self):
        out = self.tmp / "hyperfine-scan.json"
        check(["hyperfine", "-N", "--runs", "2", "--style", "none", "--export-json", out,
               "-P", "n", "1", "3", f"{GBENCH} --benchmark_filter=none{{n}}"])
        _, doc = self.imported("hyperfine", [out], "hf-scan")
        self.assertEqual(len(doc["targets"]), 3)
        members = {t["family"]["argument"] for t in doc["targets"]}
        self.assertEqual(members, {1, 2, 3})
        self.assertEqual(doc["targets"][0]["metrics"]["parameter_n"], "1")

    def test_errors(self):
        no_results = self.tmp / "no-results.json"
        no_results.write_text('{"benchmarks": []}')
        self.refused("hyperfine", no_results, str(no_results), "results is missing; expected an array")
        doc = json.loads(self.files["a"][0].read_text())
        doc["results"][0]["times"] = []
        empty = self.tmp / "empty-times.json"
        empty.write_text(json.dumps(doc))
        self.refused("hyperfine", empty, "results[0].times")
        doc["results"][0]["times"] = [0.1, -2]
        empty.write_text(json.dumps(doc))
        self.refused("hyperfine", empty, "results[0].times[1]", "-2")


class PytestBenchmark(ImportTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = {"a": [], "b": [], "slow": []}
        for i in range(4):
            for side in ("a", "b"):
                out = cls.tmp / f"pytest-{side}-{i}.json"
                check(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       f"--benchmark-json={out}", "--benchmark-min-rounds=10",
                       "--benchmark-max-time=0.02", "--benchmark-warmup=off",
                       str(HERE / "test_tiny_pytest.py")], cwd=cls.tmp)
                cls.files[side].append(out)
            cls.files["slow"].append(slowed_copy("pytest-benchmark", cls.files["a"][-1],
                                                 cls.tmp / f"pytest-slow-{i}.json", SLOWER))

    def test_rounds_are_samples_same_no_change_slowed_slower(self):
        a, doc = self.imported("pytest-benchmark", self.files["a"], "pb-a")
        b, _ = self.imported("pytest-benchmark", self.files["b"], "pb-b")
        slow, _ = self.imported("pytest-benchmark", self.files["slow"], "pb-slow")
        target = doc["targets"][0]
        self.assertEqual(target["target_id"], "test_total_2000")
        self.assertGreaterEqual(len(target["samples"]["iterations"]), 4 * 10)
        self.assertEqual(sorted(set(target["samples"]["process"])), [0, 1, 2, 3])
        self.assertRegex(doc["settings"]["tool_version"], r"^\d+\.\d+")
        # Measured live: on a loaded machine the same build may be `noisy`
        # (the interval is too wide to tell), but never a change.
        self.assertIn(verdicts(self.compare(a, b, "--threshold", "50"))["test_total_2000"],
                      ("no change", "noisy"))
        proc = self.compare(a, slow, "--threshold", "50")
        self.assertEqual(verdicts(proc)["test_total_2000"], "slower", proc.stdout)

    def test_one_name_in_two_modules_and_integer_families(self):
        """Real pytest runs: `test_parse` in two modules (pytest-benchmark
        tells them apart by fullname, so must the import), and a test
        parametrised by one integer beside another parameter."""
        suite = self.tmp / "two-modules"
        suite.mkdir()
        for module in ("test_a", "test_b"):
            (suite / f"{module}.py").write_text(
                "import pytest\n"
                "def test_parse(benchmark):\n    benchmark(sum, range(10))\n")
        (suite / "test_family.py").write_text(
            "import pytest\n"
            "@pytest.mark.parametrize('n', [10, 100])\n"
            "@pytest.mark.parametrize('kind', ['list'])\n"
            "def test_sum(benchmark, kind, n):\n    benchmark(sum, range(n))\n")
        data = suite / "out.json"
        check(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
               f"--benchmark-json={data}", "--benchmark-min-rounds=3",
               "--benchmark-max-time=0.005", "--benchmark-warmup=off", str(suite)], cwd=suite)
        _, doc = self.imported("pytest-benchmark", [data], "pb-two-modules")
        targets = {t["target_id"]: t for t in doc["targets"]}
        self.assertEqual(set(targets), {"test_a_py_test_parse", "test_b_py_test_parse",
                                        "test_sum_list_10", "test_sum_list_100"})
        self.assertEqual(targets["test_a_py_test_parse"]["description"], "test_a.py::test_parse")
        for n in (10, 100):
            self.assertEqual(targets[f"test_sum_list_{n}"]["family"],
                             {"name": "test_sum_kind_list", "argument": n, "variable": "n"})

    def test_without_data_summary_only(self):
        doc = json.loads(self.files["a"][0].read_text())
        for bench in doc["benchmarks"]:
            del bench["stats"]["data"]
        stats_only = self.tmp / "stats-only.json"
        stats_only.write_text(json.dumps(doc))
        _, imported = self.imported("pytest-benchmark", [stats_only], "pb-stats")
        self.assertTrue(imported["targets"][0]["summary_only"])
        self.assertEqual(len(imported["targets"][0]["samples"]["iterations"]), 1)


class Criterion(ImportTestCase):
    """A real Criterion.rs run's files, committed (fixtures/criterion/): 8
    invocations of the tiny suite and 4 of its slowed build."""

    FIXTURES = HERE / "fixtures" / "criterion"

    def runs(self, prefix):
        return sorted(self.FIXTURES.glob(f"{prefix}-*"))

    def test_samples_throughput_family_same_no_change_slowed_slower(self):
        normal = self.runs("normal")
        self.assertEqual(len(normal), 8)
        a, doc = self.imported("criterion", normal[:4], "cr-a", "--tool-version", "0.3.6")
        b, _ = self.imported("criterion", normal[4:], "cr-b")
        slow, _ = self.imported("criterion", self.runs("slow"), "cr-slow")
        targets = {t["target_id"]: t for t in doc["targets"]}
        self.assertEqual(set(targets), {"sums_fold_256", "sums_fold_2048"})
        fold = targets["sums_fold_256"]
        self.assertEqual(fold["family"], {"name": "sums_fold", "argument": 256, "variable": "n"})
        self.assertEqual(fold["metrics"]["items_per_operation"], 256)
        self.assertEqual(len(fold["samples"]["iterations"]), 4 * 20)
        self.assertEqual(doc["settings"]["tool_version"], "0.3.6")
        proc = self.compare(a, b, "--threshold", "50")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(verdicts(proc), {"sums_fold_256": "no change",
                                          "sums_fold_2048": "no change"})
        proc = self.compare(a, slow, "--threshold", "50")
        self.assertEqual(proc.returncode, 3, proc.stdout)
        self.assertEqual(verdicts(proc), {"sums_fold_256": "slower", "sums_fold_2048": "slower"})

    def test_missing_sample_json_named(self):
        broken = self.tmp / "broken-criterion"
        shutil.copytree(self.runs("normal")[0], broken)
        victim = sorted(broken.rglob("sample.json"))[0]
        victim.unlink()
        self.refused("criterion", broken, str(victim), "missing")
        victim.write_text('{"iters": [1, 2], "times": [3]}')
        self.refused("criterion", broken, "times", "as many times as iters")
        self.refused("criterion", self.tmp / "no-such-dir", "not a directory")


class SummaryFormats(ImportTestCase):
    def test_bmf_and_raw_records_round_trip(self):
        # A native-looking run, exported as BMF by cost-ops itself, imported back.
        src, _ = self.imported("hyperfine", [self.hyperfine_file()], "bmf-source")
        bmf = self.tmp / "exported.bmf.json"
        proc = cost_ops("export", src, "--format", "bmf", "-o", bmf)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out, doc = self.imported("bmf", [bmf], "bmf-run")
        self.assertEqual(doc["targets"][0]["target_id"], "spin")
        self.assertTrue(doc["targets"][0]["summary_only"])
        # raw/ records of the same run, as the benchmark-target repositories write them
        out, doc = self.imported("raw", [src / "raw"], "raw-run")
        self.assertEqual(doc["targets"][0]["target_id"], "spin")
        self.assertIn("record_p95_duration_ns", doc["targets"][0]["metrics"])
        proc = self.compare(src, out)
        self.assertEqual(json.loads(proc.stdout)["targets"][0]["basis"], "summary_values")

    def test_bmf_errors(self):
        bad = self.tmp / "bad.bmf.json"
        bad.write_text('{"x": {"latency": {"value": "1ns"}}}')
        self.refused("bmf", bad, "x.latency.value", '"1ns"')
        bad.write_text("[]")
        self.refused("bmf", bad, "the top level", "expected an object")

    def hyperfine_file(self):
        out = self.tmp / "hf-for-bmf.json"
        check(["hyperfine", "-N", "--runs", "3", "--style", "none", "--export-json", out,
               "-n", "spin", f"{GBENCH} --spin"])
        return out


class DamagedInput(ImportTestCase):
    """Every format's reader on truncated files, wrong types and huge arrays:
    exit 2 with the file named, or (a truncation that is still valid JSON)
    a clean import; never a crash or a half-written directory."""

    def samples(self):
        gb = self.tmp / "damaged-gb.json"
        check([GBENCH, "--benchmark_format=json", "--benchmark_min_time=0.001",
               f"--benchmark_out={gb}"])
        hf = self.tmp / "damaged-hf.json"
        check(["hyperfine", "-N", "--runs", "2", "--style", "none", "--export-json", hf,
               f"{GBENCH} --spin"])
        crit = sorted((HERE / "fixtures" / "criterion").glob("normal-*"))[0]
        crit_sample = sorted(crit.rglob("sample.json"))[0].read_text()
        return {"google-benchmark": gb.read_text(), "hyperfine": hf.read_text(),
                "bmf": '{"a": {"latency": {"value": 10.5}}, "b": {"latency": {"value": 3}}}',
                "criterion": crit_sample}

    def attempt(self, fmt, text, label):
        if fmt == "criterion":
            path = self.tmp / f"damaged-{label}"
            shutil.copytree(sorted((HERE / "fixtures" / "criterion").glob("normal-*"))[0], path)
            sorted(path.rglob("sample.json"))[0].write_text(text)
        else:
            path = self.tmp / f"damaged-{label}.json"
            path.write_text(text)
        out = self.tmp / f"damaged-out-{label}"
        proc = cost_ops("import", fmt, path, "-o", out)
        self.assertIn(proc.returncode, (0, 2), f"{label}: {proc.stderr}")
        if proc.returncode == 2:
            self.assertFalse(out.exists(), label)
            self.assertIn(str(path) if fmt != "criterion" else "sample.json", proc.stderr, label)
        else:
            self.assertTrue((out / "results.json").is_file(), label)

    def test_hostile_text_in_a_google_benchmark_file_stays_text(self):
        """Names, label, error message and the machine's context with every
        control, noncharacters and Markdown/HTML syntax: summary.md keeps its
        table rows and lines, the report its own scripts only and no
        character HTML's parser reports, and a refusal quoting a name puts no
        control sequence on the terminal."""
        hostile = ("".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9b\u2028\u202e\ufffe\ufdd0"
                   "]]><script>alert(1)</script>\"'|=x\n# h\r\n`*_&amp;\U0001F600")
        row = {"run_type": "iteration", "repetitions": 1, "repetition_index": 0, "threads": 1,
               "iterations": 10, "real_time": 5.0, "cpu_time": 5.0, "time_unit": "ns"}
        doc = {"context": {"date": "2026-01-01T00:00:00+00:00", "host_name": "h|" + hostile,
                           "executable": hostile, "num_cpus": 2, "mhz_per_cpu": 3000,
                           "cpu_scaling_enabled": False, "library_build_type": hostile,
                           "caches": [{"type": hostile, "level": 1, "size": 32768,
                                       "num_sharing": 1}], "load_avg": [0.5]},
               "benchmarks": [dict(row, name="BM_x/" + hostile, run_name="BM_x/" + hostile,
                                   label=hostile),
                              dict(row, name="BM_err", run_name="BM_err", error_occurred=True,
                                   error_message="=" + hostile)]}
        path = self.tmp / "hostile-gb.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        out = self.tmp / "hostile-out"
        proc = cost_ops("import", "google-benchmark", path, "-o", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        summary = (out / "summary.md").read_text(encoding="utf-8")
        self.assertNotIn("<script", summary)
        self.assertNotIn("\r", summary)
        self.assertNotIn("\n# h", summary)
        self.assertNotRegex(summary, "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\ufdd0]")
        header = "| Target | Operations/sec | Avg Duration (ns) | Notes |"
        lines = summary.split("\n")
        table = lines[lines.index(header):]
        table = table[:table.index("")]
        self.assertEqual(len(table), 4)  # header, rule, two targets
        for line in table:
            self.assertEqual(len(re.findall(r"(?<!\\)\|", line)), 5, line)
        page = (out / "report.html").read_text(encoding="utf-8")
        self.assertEqual(page.count("<script"), 4)  # the page's own
        self.assertNotRegex(page, "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\ufdd0]")
        # Refused (a time no number holds): the name is quoted, not run.
        doc["benchmarks"][0]["real_time"] = 1e308
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        proc = cost_ops("import", "google-benchmark", path, "-o", self.tmp / "hostile-refused")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("BM_x/", proc.stderr)
        self.assertNotRegex(proc.stderr, "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u202e]")

    def test_truncations_wrong_types_huge_arrays(self):
        for fmt, text in self.samples().items():
            step = max(1, len(text) // 12)
            for cut in range(0, len(text), step):
                self.attempt(fmt, text[:cut], f"{fmt}-cut{cut}")
            doc = json.loads(text)
            for replacement in ("x", None, [], {}, -1, 1e308):
                self.attempt(fmt, json.dumps(self.replace_numbers(doc, replacement)),
                             f"{fmt}-{type(replacement).__name__}-{replacement!r}"[:60].replace("/", "_"))
        huge = {"results": [{"command": "x", "times": [0.001] * 300_000}]}
        self.attempt("hyperfine", json.dumps(huge), "hyperfine-huge")

    def replace_numbers(self, value, replacement):
        if isinstance(value, dict):
            return {k: self.replace_numbers(v, replacement) for k, v in value.items()}
        if isinstance(value, list):
            return [self.replace_numbers(v, replacement) for v in value]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return replacement
        return value


if __name__ == "__main__":
    unittest.main(verbosity=2)

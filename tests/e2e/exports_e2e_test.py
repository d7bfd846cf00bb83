#!/usr/bin/env python3
"""`cost-ops export`, each format read by its consumer's own reader where
one exists: Google Benchmark's compare.py and its gbench module (Debian
libbenchmark-tools) on gbench-json exports, xmllint against a JUnit schema
and xml.etree, Python's csv module, and the shapes Bencher and
github-action-benchmark document; always with targets that crashed, timed
out or were skipped among them, from a real run and from an edited one.

Debian's python3-scipy cannot be installed beside Boost 1.81 (it pulls in
libboost1.74-dev), so compare.py is given a minimal scipy.stats with the two
functions it imports (mannwhitneyu, gmean); everything else is its own.

usage: exports_e2e_test.py COST_OPS FIXTURE_DIR SOURCE_DIR
"""
import csv
import html.parser
import io
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import unittest

import xml.etree.ElementTree as ET

from e2e_support import SCIPY_SHIM

HOST, FIXTURES, SOURCE = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
GOOD = FIXTURES / "good"
HOSTILE = FIXTURES / "hostile"
COMPARE_PY = pathlib.Path("/usr/share/benchmark/compare.py")


def cost_ops(*args):
    return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True, timeout=300)


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-exports-"))
        os.chmod(cls.tmp, 0o755)
        for name, run_name in (("a", []), ("b", ["--run-name", "b-nightly"])):
            proc = cost_ops("run", "--plugin-dir", GOOD, "-o", cls.tmp / name, "--rounds", "3",
                            "--warmup-time", "0", "--min-time", "0.02", "--min-samples", "3",
                            *run_name)
            assert proc.returncode == 0, proc.stderr
        # A real run where one target crashes and one is killed after
        # --timeout, exported by `run --export` in every format.
        plugins = cls.tmp / "plugins"
        plugins.mkdir()
        shutil.copy(GOOD / "good_c_plugin.so", plugins / "good_c_plugin.so")
        for mode in ("crash_run", "hang_run"):
            shutil.copy(HOSTILE / f"misbehaving_{mode}.so", plugins / f"misbehaving_{mode}.so")
        exports = [f"{fmt}={cls.tmp / ('real.' + fmt)}" for fmt in
                   ("gbench-json", "junit", "bmf", "github-action-benchmark", "csv")]
        cls.real = cost_ops("run", "--plugin-dir", plugins, "-o", cls.tmp / "real", "--timeout", "2",
                            "--warmup-time", "0", "--min-time", "0.02", "--min-samples", "3",
                            *[arg for e in exports for arg in ("--export", e)])
        assert cls.real.returncode == 1, cls.real.stderr  # targets failed; exports written

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def export(self, run, fmt, *extra):
        out = self.tmp / f"{run}.{fmt}"
        proc = cost_ops("export", self.tmp / run, "--format", fmt, "-o", out, *extra)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return out

    def compare_py_env(self):
        if not COMPARE_PY.exists():
            self.fail("libbenchmark-tools is not installed (scripts/setup.sh installs it)")
        shim = self.tmp / "shim" / "scipy"
        shim.mkdir(parents=True, exist_ok=True)
        (shim / "__init__.py").write_text("")
        (shim / "stats.py").write_text(SCIPY_SHIM)
        return dict(os.environ, PYTHONPATH=str(shim.parent))

    def compare_py(self, before, after):
        proc = subprocess.run(["/usr/bin/python3", COMPARE_PY, "benchmarks", before, after],
                              capture_output=True, text=True, env=self.compare_py_env(), timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def gbench_difference(self, before, after):
        """compare.py's own gbench.report on two exports: its rows by name."""
        script = textwrap.dedent(f"""
            import json, sys
            sys.path.insert(0, {str(COMPARE_PY.parent)!r})
            from gbench import report, util
            a = util.load_benchmark_results({str(before)!r})
            b = util.load_benchmark_results({str(after)!r})
            print(json.dumps(report.get_difference_report(a, b, utest=True)))
        """)
        proc = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, text=True,
                              env=self.compare_py_env(), timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return {row["name"]: row for row in json.loads(proc.stdout)}

    def check_gbench_rows(self, doc):
        """Every row as Google Benchmark's JSONReporter writes it: its keys
        by run_type, numbers where it writes numbers; anything else is a user
        counter (a number) or the label."""
        self.assertTrue({"date", "host_name", "num_cpus", "library_build_type"} <= doc["context"].keys())
        common = {"name": str, "family_index": int, "per_family_instance_index": int,
                  "run_name": str, "run_type": str, "repetitions": int, "threads": int,
                  "iterations": int, "real_time": (int, float), "time_unit": str}
        for row in doc["benchmarks"]:
            keys = dict(common)
            if row["run_type"] == "iteration":
                keys["repetition_index"] = int
            else:
                self.assertEqual(row["run_type"], "aggregate")
                keys.update(aggregate_name=str, aggregate_unit=str)
                self.assertIn(row["aggregate_unit"], ("time", "percentage"))
                self.assertEqual(row["name"], row["run_name"] + "_" + row["aggregate_name"])
            if row.get("error_occurred"):
                keys.update(error_occurred=bool, error_message=str)
            if row.get("skipped"):
                keys.update(skipped=bool, skip_message=str)
            if "cpu_time" in row:
                keys["cpu_time"] = (int, float)
            for key, kind in keys.items():
                self.assertIsInstance(row.get(key), kind, f"{row['name']}: {key}")
            self.assertEqual(row["time_unit"], "ns")
            for key in row.keys() - keys.keys():
                self.assertIsInstance(row[key], str if key == "label" else (int, float),
                                      f"{row['name']}: counter {key}")

    def test_google_benchmark_compare_py_reads_two_exports(self):
        out = self.compare_py(self.export("a", "gbench-json"), self.export("b", "gbench-json"))
        for target in ("fixture_sum_array", "fixture_copy_bytes"):
            self.assertIn(target, out)
        self.assertIn("U Test", out)  # three repetitions a side: compare.py tested them
        doc = json.loads(self.export("a", "gbench-json").read_text())
        self.check_gbench_rows(doc)
        rows = [b for b in doc["benchmarks"] if b["name"] == "fixture_sum_array"]
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(r["time_unit"] == "ns" and r["iterations"] > 0 for r in rows))
        # A crashed target is present as Google Benchmark writes an error, and
        # compare.py still compares the others.
        broken = self.broken_run()
        doc = json.loads(self.export(broken, "gbench-json").read_text())
        self.check_gbench_rows(doc)
        crashed = [b for b in doc["benchmarks"] if b["name"] == "fixture_copy_bytes"]
        self.assertEqual(len(crashed), 1)
        self.assertTrue(crashed[0]["error_occurred"])
        self.assertIn("crashed: killed by SIGSEGV", crashed[0]["error_message"])
        skipped = [b for b in doc["benchmarks"] if b["name"] == "fixture_declined"]
        self.assertEqual(len(skipped), 1)
        self.assertTrue(skipped[0]["skipped"])
        self.assertEqual(skipped[0]["skip_message"], "skipped: needs a GPU")
        self.assertNotIn("error_occurred", skipped[0])
        out = self.compare_py(self.export("a", "gbench-json"), self.tmp / f"{broken}.gbench-json")
        self.assertIn("fixture_sum_array", out)
        diff = self.gbench_difference(self.tmp / "a.gbench-json", self.tmp / f"{broken}.gbench-json")
        self.assertEqual(diff["fixture_copy_bytes"]["measurements"][0]["real_time_other"], 0)
        self.assertEqual(diff["fixture_copy_bytes"]["measurements"][0]["time"], -1.0)
        self.assertEqual(len(diff["fixture_sum_array"]["measurements"]), 3)
        self.assertIn("fixture_sum_array_median", diff)

    def test_gbench_json_figures_are_the_runs(self):
        """cpu_time from the measured CPU time, aggregates over the samples
        (the median aggregate is the console's median), declared work as
        bytes/items per second, the plugin's metrics as counters."""
        results = json.loads((self.tmp / "a/results.json").read_text())
        doc = json.loads(self.export("a", "gbench-json").read_text())
        for target in results["targets"]:
            rows = {(b["run_type"], b.get("aggregate_name"), b.get("repetition_index")): b
                    for b in doc["benchmarks"] if b["run_name"] == target["target_id"]}
            samples, stats = target["samples"], target["statistics"]
            per_op = [e / i for e, i in zip(samples["elapsed_ns"], samples["iterations"])]
            cpu_per_op = [c / i for c, i in zip(samples["cpu_ns"], samples["iterations"])]
            mean = statistics.fmean(per_op)
            self.assertAlmostEqual(rows["aggregate", "median", None]["real_time"],
                                   stats["median_ns"], delta=1e-9 * stats["median_ns"])
            self.assertAlmostEqual(rows["aggregate", "mean", None]["real_time"], mean,
                                   delta=1e-9 * mean)
            self.assertAlmostEqual(rows["aggregate", "stddev", None]["real_time"],
                                   statistics.stdev(per_op), delta=1e-9 * mean)
            self.assertGreater(rows["aggregate", "stddev", None]["real_time"], 0)
            self.assertAlmostEqual(rows["aggregate", "cv", None]["real_time"],
                                   statistics.stdev(per_op) / mean, delta=1e-9)
            self.assertEqual(rows["aggregate", "mean", None]["iterations"], len(per_op))
            self.assertAlmostEqual(rows["aggregate", "median", None]["cpu_time"],
                                   stats["cpu_time_per_op_ns"], delta=1e-9 * stats["median_ns"])
            for r in range(3):
                mine = [(w, c) for w, c, rep in zip(per_op, cpu_per_op, samples["repetition"])
                        if rep == r]
                row = rows["iteration", None, r]
                self.assertEqual(row["repetitions"], 3)
                self.assertAlmostEqual(row["real_time"], statistics.median(w for w, _ in mine),
                                       delta=1e-9 * row["real_time"])
                self.assertAlmostEqual(row["cpu_time"], statistics.median(c for _, c in mine),
                                       delta=1e-9 * row["real_time"])
                metrics = target["metrics"]
                if "bytes_per_operation" in metrics:
                    self.assertAlmostEqual(row["bytes_per_second"],
                                           metrics["bytes_per_operation"] * 1e9 / row["real_time"],
                                           delta=1e-6 * row["bytes_per_second"])
                else:
                    self.assertNotIn("bytes_per_second", row)
                if "items_per_operation" in metrics:
                    self.assertAlmostEqual(row["items_per_second"],
                                           metrics["items_per_operation"] * 1e9 / row["real_time"],
                                           delta=1e-6 * row["items_per_second"])
        summed = next(b for b in doc["benchmarks"] if b["name"] == "fixture_sum_array")
        self.assertEqual(summed["values_per_sum"],
                         next(t for t in results["targets"]
                              if t["target_id"] == "fixture_sum_array")["metrics"]["values_per_sum"])
        self.assertEqual(summed["label"], "language=c99")
        # CPU time not measured: compare.py requires cpu_time, so it repeats
        # real_time and the label says so.
        no_cpu = json.loads((self.tmp / "a/results.json").read_text())
        for target in no_cpu["targets"]:
            target["samples"]["cpu_ns"] = [None] * len(target["samples"]["cpu_ns"])
            target["statistics"]["cpu_time_per_op_ns"] = None
        (self.tmp / "no_cpu").mkdir(exist_ok=True)
        (self.tmp / "no_cpu/results.json").write_text(json.dumps(no_cpu))
        doc = json.loads(self.export("no_cpu", "gbench-json").read_text())
        self.check_gbench_rows(doc)
        for b in doc["benchmarks"]:
            if b.get("error_occurred") or b.get("skipped"):
                continue
            if b["run_type"] == "iteration" or b.get("aggregate_unit") == "time":
                self.assertEqual(b["cpu_time"], b["real_time"], b["name"])
                self.assertIn("cpu_time not measured: repeats real_time", b["label"], b["name"])

    def test_a_real_crash_and_timeout_in_every_export(self):
        """`run --export` after a run where a target really crashed and one
        was killed after --timeout."""
        gbench = json.loads((self.tmp / "real.gbench-json").read_text())
        self.check_gbench_rows(gbench)
        errors = {b["name"]: b["error_message"] for b in gbench["benchmarks"] if b.get("error_occurred")}
        self.assertIn("SIGSEGV", errors["misbehaving_crash_run"])
        self.assertTrue(errors["misbehaving_hang_run"].startswith("timed_out"))
        self.compare_py(self.export("a", "gbench-json"), self.tmp / "real.gbench-json")

        junit = self.tmp / "real.junit"
        proc = subprocess.run(["xmllint", "--noout", "--schema", SOURCE / "tests/e2e/junit.xsd",
                               junit], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        suite = ET.parse(junit).getroot().find("testsuite")
        self.assertEqual(suite.get("name"), "real")
        self.assertEqual((suite.get("errors"), suite.get("failures"), suite.get("tests")), ("2", "0", "4"))
        cases = {c.get("name"): c for c in suite.iter("testcase")}
        self.assertEqual(cases["misbehaving_crash_run"].find("error").get("type"), "crashed")
        self.assertIsNone(cases["misbehaving_crash_run"].find("failure"))
        self.assertEqual(cases["misbehaving_hang_run"].find("error").get("type"), "timed_out")
        self.assertIn("ns per operation", cases["fixture_sum_array"].find("system-out").text)

        for fmt in ("bmf", "github-action-benchmark"):
            text = (self.tmp / f"real.{fmt}").read_text()
            self.assertNotIn("misbehaving_crash_run", text)
            warning = next(line for line in self.real.stderr.splitlines() if f"{fmt}: 2 targets left out" in line)
            self.assertIn("misbehaving_crash_run (crashed", warning)
            self.assertIn("misbehaving_hang_run (timed_out", warning)
        self.check_bmf(json.loads((self.tmp / "real.bmf").read_text()))
        rows = list(csv.DictReader(io.StringIO((self.tmp / "real.csv").read_text(), newline="")))
        self.assertEqual({r["target_id"]: r["status"] for r in rows}["misbehaving_crash_run"], "crashed")

    def broken_run(self):
        """Run a with fixture_copy_bytes crashed; its directory name."""
        broken = json.loads((self.tmp / "a/results.json").read_text())
        target = next(t for t in broken["targets"] if t["target_id"] == "fixture_copy_bytes")
        broken["settings"]["run_name"] = "broken"  # as `run --run-name broken` records it
        target.update(status="crashed", reason="killed by SIGSEGV <&>", samples=None,
                      statistics=None, measurement=None, metrics={})
        for status, name, reason in (("timed_out", "fixture_hung", "killed after 2 s"),
                                     ("skipped", "fixture_declined", "needs a GPU")):
            broken["targets"].append(dict(target, target_id=name, status=status, reason=reason))
        (self.tmp / "broken").mkdir(exist_ok=True)
        (self.tmp / "broken/results.json").write_text(json.dumps(broken))
        return "broken"

    # Every kind of character a plugin or an edited file can put into a
    # text field: each C0 control, DEL, C1 (NEL, CSI), U+2028/2029, a
    # right-to-left override, noncharacters (U+FFFE, U+FFFF, U+FDD0,
    # U+10FFFF), markup and format syntax of every output, CSV formula
    # starts, a CR LF and an emoji.
    HOSTILE = ("".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9b\u2028\u2029\u202e"
               "\ufffe\uffff\ufdd0\U0010ffff]]>--<script>alert(1)</script>\"',|=cmd|\n# h\r\n"
               "`*_\\[x](y)<!-- &amp; \U0001F600")

    def hostile_run(self):
        """Run a with every text field hostile: ids, reasons, plugin name
        and version, a text metric and the run's name; one target failed,
        one skipped, one measured with a metric named like a Google
        Benchmark key and counts no integer holds. Its directory name."""
        doc = json.loads((self.tmp / "a/results.json").read_text())
        doc["settings"]["run_name"] = "=" + self.HOSTILE
        doc["environment"]["host_name"] = "-" + self.HOSTILE
        measured = next(t for t in doc["targets"] if t["target_id"] == "fixture_sum_array")
        measured["target_id"] = "+" + self.HOSTILE
        measured["plugin"].update(name="@" + self.HOSTILE, version="\t" + self.HOSTILE)
        measured["metrics"].update(evil_text="\r" + self.HOSTILE, error_occurred=1,
                                   aggregate_name=2, total_iterations=1e300,
                                   total_duration_ms=float("inf"))
        measured["statistics"]["samples"] = 1e300
        template = next(t for t in doc["targets"] if t["target_id"] == "fixture_copy_bytes")
        for status in ("failed", "skipped"):
            doc["targets"].append(dict(template, target_id=status + "_" + self.HOSTILE,
                                       status=status, reason="=" + self.HOSTILE, samples=None,
                                       statistics=None, measurement=None, metrics={}))
        (self.tmp / "hostile").mkdir(exist_ok=True)
        (self.tmp / "hostile/results.json").write_text(
            json.dumps(doc, ensure_ascii=False).replace("Infinity", "1e999"), encoding="utf-8")
        return "hostile"

    def test_hostile_text_stays_data_in_every_export_and_compare_output(self):
        hostile = self.hostile_run()
        targets = len(json.loads((self.tmp / hostile / "results.json").read_text())["targets"])
        # JUnit: the schema, xml.etree, and the text read back as written
        # (less what XML cannot hold), line ends and all.
        junit = self.export(hostile, "junit", "--baseline", self.tmp / "a")
        proc = subprocess.run(["xmllint", "--noout", "--schema", SOURCE / "tests/e2e/junit.xsd",
                               junit], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        xml_chars = "".join(c for c in self.HOSTILE if c in "\t\n\r" or
                            (c >= " " and c not in "\ufffe\uffff"))
        suite = ET.parse(junit).getroot().find("testsuite")
        self.assertEqual(suite.get("name"), "=" + xml_chars)
        self.assertEqual(suite.get("hostname"), "-" + xml_chars)
        cases = suite.findall("testcase")
        self.assertEqual(len(cases), targets)
        self.assertIn("+" + xml_chars, [c.get("name") for c in cases])
        failed = next(c for c in cases if c.get("name") == "failed_" + xml_chars)
        self.assertIn("=" + xml_chars, failed.find("error").get("message"))
        self.assertRegex(suite.get("time"), r"^\d{1,16}\.\d{6}$")
        # CSV: one row per target, every text cell back as written, and
        # none a spreadsheet would run.
        rows = list(csv.reader(io.StringIO(self.export(hostile, "csv").read_bytes().decode(),
                                           newline=""), strict=True))
        self.assertEqual(len(rows), targets + 1)
        self.assertTrue(all(len(r) == len(rows[0]) for r in rows))
        for row in rows[1:]:
            for cell in (row[0], row[1], row[13], row[14], row[15]):
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"), cell[:20])
        self.assertIn("'+" + self.HOSTILE, [r[0] for r in rows])
        # JSON formats: strict UTF-8 JSON; no plugin counter named like a key
        # of Google Benchmark's rows, so a measured row never reads as failed.
        def refuse(constant):
            raise ValueError(constant)
        for fmt in ("gbench-json", "bmf", "github-action-benchmark"):
            json.loads(self.export(hostile, fmt).read_bytes().decode("utf-8"), parse_constant=refuse)
        gbench = json.loads(self.export(hostile, "gbench-json").read_text())
        measured = [r for r in gbench["benchmarks"] if r["name"] == "+" + self.HOSTILE]
        self.assertTrue(measured)
        for row in measured:
            self.assertNotIn("error_occurred", row)
            self.assertNotEqual(row.get("aggregate_name"), 2)
        # compare --format markdown: every table row keeps its eight cells
        # (a `|`, CR or newline in a cell must not split it), no raw HTML.
        md = cost_ops("compare", self.tmp / "a", self.tmp / hostile, "--format", "markdown")
        self.assertIn(md.returncode, (0, 1), md.stderr)
        table = [line for line in md.stdout.split("\n") if line.startswith("|")]
        self.assertGreaterEqual(len(table), 4)
        for line in table:
            self.assertEqual(len(re.findall(r"(?<!\\)\|", line)), 9, line)
        self.assertNotIn("<script", md.stdout)
        self.assertNotIn("\r", md.stdout)
        # compare's terminal text: no control character or reordering mark.
        text = cost_ops("compare", self.tmp / "a", self.tmp / hostile)
        self.assertNotRegex(text.stdout, "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202e]")
        # The report: plugin text is never markup, and nothing the HTML
        # parser reports as an error (controls, noncharacters) is on the page.
        page = self.tmp / "hostile.html"
        proc = cost_ops("report", self.tmp / hostile, "-o", page)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        html_text = page.read_bytes().decode("utf-8")
        scripts = []

        class Tags(html.parser.HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "script":
                    scripts.append(tag)
        Tags().feed(html_text)
        self.assertEqual(len(scripts), 4)  # the page's own
        self.assertNotRegex(html_text, "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
                                       "\U0010fffe\U0010ffff]")

    def test_junit_validates_and_marks_regressions(self):
        xsd = SOURCE / "tests/e2e/junit.xsd"
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, self.export("a", "junit")],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # The same run with targets broken and skipped, against run a as the
        # baseline: a crash is an error (ok → crashed says the comparison),
        # not a failure; a skipped target is skipped.
        junit = self.export(self.broken_run(), "junit", "--baseline", self.tmp / "a")
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, junit],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        root = ET.parse(junit).getroot()
        suite = root.find("testsuite")
        self.assertEqual(suite.get("name"), "broken")
        self.assertEqual({k: suite.get(k) for k in ("tests", "errors", "failures", "skipped")},
                         {"tests": "4", "errors": "2", "failures": "0", "skipped": "1"})
        self.assertEqual(root.get("errors"), "2")
        cases = {c.get("name"): c for c in suite.iter("testcase")}
        error = cases["fixture_copy_bytes"].find("error")
        self.assertEqual(error.get("type"), "crashed")
        self.assertIn("ok → crashed: killed by SIGSEGV <&>", error.get("message"))
        self.assertIsNone(cases["fixture_copy_bytes"].find("failure"))
        self.assertEqual(cases["fixture_hung"].find("error").get("type"), "timed_out")
        self.assertEqual(cases["fixture_declined"].find("skipped").get("message"),
                         "skipped: needs a GPU")
        # A measured target carries its numbers.
        out = cases["fixture_sum_array"].find("system-out").text
        median = next(t for t in json.loads((self.tmp / "broken/results.json").read_text())["targets"]
                      if t["target_id"] == "fixture_sum_array")["statistics"]["median_ns"]
        self.assertIn(f"median {median:.6g} ns per operation (95% interval ", out)
        self.assertIn("items per second", out)
        # Two runs merged by a CI server stay two suites, their cases two
        # classes: the run's name (its directory's, or --run-name as recorded).
        merged = ET.Element("testsuites")
        for run in ("a", "b"):
            merged.extend(ET.parse(self.export(run, "junit")).getroot().findall("testsuite"))
        self.assertEqual([s.get("name") for s in merged.findall("testsuite")], ["a", "b-nightly"])
        classnames = [{c.get("classname") for c in s.iter("testcase")} for s in merged.findall("testsuite")]
        self.assertEqual(classnames[0], {"cost-ops.a.fixture-good-c"})
        self.assertEqual(classnames[1], {"cost-ops.b-nightly.fixture-good-c"})
        settings = [json.loads((self.tmp / run / "results.json").read_text())["settings"] for run in ("a", "b")]
        self.assertEqual([s["run_name"] for s in settings], ["a", "b-nightly"])
        merged_file = self.tmp / "merged.junit"
        ET.ElementTree(merged).write(merged_file, encoding="UTF-8", xml_declaration=True)
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, merged_file],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def check_bmf(self, bmf):
        """Bencher Metric Format: {benchmark: {measure: {value, lower_value?,
        upper_value?}}}, numbers, lower <= value <= upper."""
        self.assertIsInstance(bmf, dict)
        for benchmark, measures in bmf.items():
            self.assertIsInstance(measures, dict, benchmark)
            for measure, metric in measures.items():
                self.assertLessEqual(metric.keys(), {"value", "lower_value", "upper_value"})
                self.assertIsInstance(metric["value"], (int, float))
                self.assertLessEqual(metric.get("lower_value", metric["value"]), metric["value"])
                self.assertLessEqual(metric["value"], metric.get("upper_value", metric["value"]))

    def test_csv_bmf_and_github_action_benchmark(self):
        rows = list(csv.DictReader(io.StringIO(self.export("a", "csv").read_text(), newline="")))
        self.assertEqual({r["target_id"] for r in rows}, {"fixture_sum_array", "fixture_copy_bytes"})
        self.assertTrue(all(float(r["median_ns"]) > 0 and r["status"] == "ok" for r in rows))
        bmf = json.loads(self.export("a", "bmf").read_text())
        self.check_bmf(bmf)
        latency = bmf["fixture_sum_array"]["latency"]
        self.assertLessEqual(latency["lower_value"], latency["value"])
        self.assertLessEqual(latency["value"], latency["upper_value"])
        self.assertIn("throughput", bmf["fixture_sum_array"])
        gab = json.loads(self.export("a", "github-action-benchmark").read_text())
        self.assertEqual({e["unit"] for e in gab}, {"ns"})
        self.assertTrue(all({"name", "value", "unit"} <= e.keys() for e in gab))
        # The broken run: what the formats cannot hold is named on stderr.
        broken = self.broken_run()
        for fmt in ("bmf", "github-action-benchmark"):
            proc = cost_ops("export", self.tmp / broken, "--format", fmt)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertNotIn("fixture_copy_bytes", proc.stdout)
            self.assertIn(f"warning: {fmt}: 3 targets left out", proc.stderr)
            self.assertIn("fixture_copy_bytes (crashed: killed by SIGSEGV <&>)", proc.stderr)
            self.assertIn("fixture_declined (skipped: needs a GPU)", proc.stderr)
        gab = json.loads(cost_ops("export", self.tmp / broken, "--format",
                                  "github-action-benchmark").stdout)
        for entry in gab:  # customSmallerIsBetter: name, unit, value; range and extra text
            self.assertIsInstance(entry["name"], str)
            self.assertIsInstance(entry["value"], (int, float))
            self.assertIsInstance(entry.get("range", ""), str)
            self.assertIsInstance(entry.get("extra", ""), str)
        self.assertEqual(cost_ops("export", self.tmp / broken, "--format", "csv").stderr, "")

    def test_what_authors_declare_is_shown(self):
        """Declared throughput and plugin metrics in summary.md's table and
        report.html's target table; flags and the median-based rate in
        results.json."""
        results = json.loads((self.tmp / "a/results.json").read_text())
        for target in results["targets"]:
            self.assertEqual(target["flags"], [])
            stats = target["statistics"]
            self.assertAlmostEqual(stats["operations_per_second_median"], 1e9 / stats["median_ns"],
                                   delta=1e-9 * stats["operations_per_second_median"])
        summary = (self.tmp / "a/summary.md").read_text()
        self.assertIn("| Target | Throughput | Items/sec | Flags | Plugin metrics |", summary)
        row = next(line for line in summary.splitlines() if line.startswith("| fixture_sum_array |")
                   and "language c99" in line)
        self.assertIn("values_per_sum", row)  # inside a word "_" is no emphasis: kept
        report = (self.tmp / "a/report.html").read_text()
        self.assertIn("declared: ", report)
        self.assertIn(" items/s", report)
        self.assertIn("B/s", report)

    def test_bad_requests(self):
        self.assertEqual(cost_ops("export", self.tmp / "a", "--format", "yaml").returncode, 2)
        self.assertEqual(cost_ops("export", self.tmp / "nowhere", "--format", "csv").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)

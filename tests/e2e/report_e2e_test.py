#!/usr/bin/env python3
"""The HTML report and `run --export`, end to end.

`run --export FORMAT=FILE` writes what `cost-ops export` writes, refuses a
bad value before anything runs, and still writes after Ctrl-C. The report
that `run` writes (with a baseline and a history) and the one `cost-ops
report` writes from a results.json with hostile plugin text are opened in
headless Chromium (Debian's chromium): the page's own check, written into
the DOM after drawing, must list no error and a painted canvas with drawn
elements for every chart; Chromium's console log must be empty. Every kind
of page (a plain run, a baseline, a history, both, an A/B run, a paired A/B
run, a run with a regression) is opened at 1400 and 390 px: nothing reaches
past the window outside a table's own scroll container, no target id is
broken into short pieces, no header is wider than its cell, and a page with
a comparison opens with its verdict (regressions first). The screenshots are
kept as <build>/artifacts/report-<page>-<width>.png (CI artifacts).

usage: report_e2e_test.py COST_OPS FIXTURE_DIR BUILD_DIR
"""
import csv
import io
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HOST, FIXTURES, BUILD = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
PLUGINS = ["--plugin-dir", FIXTURES / "good", "--plugin-dir", FIXTURES / "family"]
QUICK = ["--warmup-time", "0", "--min-time", "0.02", "--min-samples", "3"]
CHROMIUM = shutil.which("chromium")
INJECTED = "</script><script>document.body.setAttribute('data-injected','1')</script>"


def cost_ops(*args, cwd=None, timeout=120):
    return subprocess.run([str(HOST), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def open_in_chromium(page, workdir, screenshot=None, width=1280):
    """(the page's render check, Chromium's console lines, the dumped DOM)."""
    common = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
              f"--user-data-dir={workdir / 'chromium-profile'}", f"--window-size={width},2400",
              "--virtual-time-budget=5000"]
    proc = subprocess.run([*common, "--enable-logging=stderr", "--v=0", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    match = re.search(r'<pre id="render-check">([^<]*)</pre>', proc.stdout)
    assert match, "the page's script did not write its render check:\n" + proc.stdout[-2000:]
    check = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*common, f"--screenshot={screenshot}", page.as_uri()],
                       capture_output=True, timeout=120, check=True)
    return check, console, proc.stdout


def check_page(test, page, workdir, screenshot=None, width=1280, verdict=None):
    """Opens `page` at `width` px: no error, every chart drawn, nothing wider
    than the window, target ids and headers whole. `verdict`: True or the
    first verdict expected: the verdict near the top; False: no verdict;
    None: not checked."""
    if CHROMIUM is None:
        test.skipTest("chromium is not installed (scripts/setup.sh installs it)")
    check, console, dom = open_in_chromium(page, workdir, screenshot, width)
    where = f"{page} at {width} px"
    test.assertEqual(check["errors"], [], where)
    test.assertEqual(console, [], where)
    test.assertEqual(len(check["charts"]), check["canvases"], check)
    for chart in check["charts"]:
        test.assertGreater(chart["painted_pixels"], 0, chart)
        test.assertGreater(chart["elements"], 0, chart)
    test.assertLessEqual(check["page_width"], check["viewport_width"], where)
    test.assertEqual(check["wide_elements"], [], where)
    test.assertEqual(check["broken_ids"], [], where)
    test.assertEqual(check["squeezed_headers"], [], where)
    if verdict is False:
        test.assertIsNone(check["verdict_top"], where)
    elif verdict:
        test.assertIsNotNone(check["verdict_top"], where)
        test.assertLess(check["verdict_top"], 700, f"{where}: the verdict is not at the top")
        if isinstance(verdict, str):
            test.assertEqual(check["first_verdict"], verdict, where)
    return check, dom


def check_both_widths(test, page, workdir, name, verdict=None):
    checks = []
    for width in (1400, 390):
        with test.subTest(page=name, width=width):
            checks.append(check_page(test, page, workdir,
                                     BUILD / "artifacts" / f"report-{name}-{width}.png", width,
                                     verdict)[0])
    return checks


class RunExportsAndReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-report-"))
        cls.history = cls.tmp / "history.db"
        for name in ("a", "b"):
            extra = ["--baseline", cls.tmp / "a", "--fail-on", "none", "--export", "csv=b.csv",
                     "--export", f"junit={cls.tmp / 'b.xml'}"] if name == "b" else []
            proc = cost_ops("run", *PLUGINS, *QUICK, "--rounds", "2", "-o", cls.tmp / name,
                            "--history", cls.history, *extra, cwd=cls.tmp)
            assert proc.returncode == 0, proc.stderr
            if name == "b":
                cls.run_b = proc

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- run --export ---------------------------------------------------------

    def test_run_export_writes_what_cost_ops_export_writes(self):
        # csv=b.csv is relative: resolved against the working directory.
        self.assertEqual((self.tmp / "b.csv").read_text(),
                         cost_ops("export", self.tmp / "b", "--format", "csv").stdout)
        self.assertEqual((self.tmp / "b.xml").read_text(),
                         cost_ops("export", self.tmp / "b", "--format", "junit", "--baseline",
                                  self.tmp / "a").stdout)
        self.assertIn(f"Exported csv: {self.tmp / 'b.csv'}", self.run_b.stderr)

    def test_bad_export_values_are_refused_before_the_run(self):
        for value, message in [("yaml=x.yaml", "gbench-json, bmf, github-action-benchmark, junit, csv"),
                               ("csv", "no `=`"),
                               (f"csv={self.tmp / 'missing' / 'x.csv'}", "does not exist")]:
            started = time.monotonic()
            proc = cost_ops("run", *PLUGINS, "-o", self.tmp / "never", "--export", value)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(message, proc.stderr)
            self.assertFalse((self.tmp / "never").exists(), "the run started")
            self.assertLess(time.monotonic() - started, 10)

    def test_ctrl_c_still_writes_exports_and_report(self):
        out = self.tmp / "interrupted"
        proc = subprocess.Popen([str(HOST), "run", "--plugin-dir", str(FIXTURES / "good"), "-o",
                                 str(out), "--warmup-time", "0", "--min-time", "3", "--export",
                                 f"csv={self.tmp / 'interrupted.csv'}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, stderr)
        rows = list(csv.DictReader(io.StringIO((self.tmp / "interrupted.csv").read_text())))
        self.assertIn("not_run", {r["status"] for r in rows})
        self.assertTrue((out / "report.html").is_file())

    def test_no_report_and_a_stale_report_removed(self):
        out = self.tmp / "no-report"
        out.mkdir()
        (out / "report.html").write_text("from an earlier run")
        proc = cost_ops("run", "--plugin-dir", FIXTURES / "good", *QUICK, "-o", out, "--no-report")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse((out / "report.html").exists())
        self.assertNotIn("Report:", proc.stderr)

    # --- the report -------------------------------------------------------------

    def test_run_announces_the_report(self):
        self.assertIn(f"Report: {self.tmp / 'b' / 'report.html'}", self.run_b.stderr)

    def test_report_command_refuses_what_it_cannot_read(self):
        self.assertEqual(cost_ops("report", self.tmp / "b").returncode, 2)  # no -o
        proc = cost_ops("report", self.tmp / "nowhere", "-o", self.tmp / "x.html")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("nowhere", proc.stderr)
        proc = cost_ops("report", self.tmp / "b", "--history", self.tmp / "none.db", "-o",
                        self.tmp / "x.html")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("none.db", proc.stderr)
        self.assertFalse((self.tmp / "none.db").exists(), "the report created a database")
        self.assertFalse((self.tmp / "x.html").exists())

    def check_page(self, page, screenshot=None, width=1280, verdict=None):
        return check_page(self, page, self.tmp, screenshot, width, verdict)

    def report(self, name, *args):
        page = self.tmp / f"{name}.html"
        proc = cost_ops("report", *args, "-o", page)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return page

    def test_every_kind_of_page_fits_a_phone_and_a_desktop(self):
        plain = self.report("plain", self.tmp / "a")
        self.assertNotIn('id="verdict"', plain.read_text())
        self.assertNotIn('id="history"', plain.read_text())
        check_both_widths(self, plain, self.tmp, "plain", verdict=False)
        baseline = self.report("baseline", self.tmp / "b", "--baseline", self.tmp / "a")
        check_both_widths(self, baseline, self.tmp, "baseline", verdict=True)
        history = self.report("history", self.tmp / "b", "--history", self.history)
        self.assertNotIn('id="verdict"', history.read_text())
        for check in check_both_widths(self, history, self.tmp, "history", verdict=False):
            self.assertIn("trend", {chart["kind"] for chart in check["charts"]})
        check_both_widths(self, self.tmp / "b" / "report.html", self.tmp, "baseline-history",
                          verdict=True)

    def test_history_chart_has_zero_based_axis_and_error_bars(self):
        html = (self.tmp / "b" / "report.html").read_text()
        data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>',
                                    html, re.S).group(1))
        trends = [c for c in data["charts"] if c["kind"] == "trend"]
        self.assertTrue(trends)
        for chart in trends:
            for series in chart["series"]:
                for low, median, high in zip(series["low_ns"], series["median_ns"], series["high_ns"]):
                    if median is not None:
                        self.assertLessEqual(low, median)
                        self.assertGreaterEqual(high, median)

    def test_no_scientific_notation_on_any_page(self):
        for page in (self.tmp / "a" / "report.html", self.tmp / "b" / "report.html"):
            text = re.sub(r"<(script|style).*?</\1>", "", page.read_text(), flags=re.S)
            self.assertNotRegex(text, r"(?<![\w/.-])[-+]?\d+(\.\d+)?[eE][+-]?\d+(?![\w/.-])", page)

    def test_run_report_with_baseline_and_history_draws_every_chart(self):
        page = self.tmp / "b" / "report.html"
        html = page.read_text()
        self.assertNotRegex(html, r'<(script|link|img)[^>]+(src|href)=', "fetches something")
        screenshot = BUILD / "artifacts" / "report.png"
        check, _ = self.check_page(page, screenshot)
        kinds = {chart["kind"] for chart in check["charts"]}
        self.assertEqual(kinds, {"histogram", "scaling", "comparison", "trend"})
        self.assertGreater(screenshot.stat().st_size, 10_000)
        print(f"report screenshot: {screenshot}")

    def test_hostile_plugin_text_stays_text(self):
        doc = json.loads((self.tmp / "b" / "results.json").read_text())
        for target in doc["targets"]:
            target["description"] = INJECTED + "\"'\x01"
            target["plugin"]["name"] = INJECTED
        doc["families"][0]["family"] = INJECTED
        hostile = self.tmp / "hostile"
        hostile.mkdir()
        (hostile / "results.json").write_text(json.dumps(doc))
        page = self.tmp / "hostile.html"
        proc = cost_ops("report", hostile, "--baseline", self.tmp / "a", "--history", self.history,
                        "-o", page)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(f"Report: {page}", proc.stdout)
        self.assertEqual(page.read_text().count("</script>"), 4)  # the page's own four
        _, dom = self.check_page(page)
        self.assertNotRegex(dom, r"<body[^>]*data-injected")


class VerdictFirst(unittest.TestCase):
    """An A/B run with --threshold 3 --alpha 0.01 and an unreachable store."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-verdict-"))
        cls.out = cls.tmp / "ab"
        good = ["--plugin-dir", FIXTURES / "good", "--targets", "fixture_sum_array,fixture_copy_bytes"]
        cls.proc = cost_ops("run", *good, "--ab-baseline-plugin-dir", FIXTURES / "good", *QUICK,
                            "--rounds", "3", "--threshold", "3", "--alpha", "0.01",
                            "--history", cls.tmp / "no-such-dir" / "history.db", "-o", cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_results_json_carries_the_comparison(self):
        doc = json.loads((self.out / "results.json").read_text())
        comparison = doc["comparison"]
        self.assertEqual(comparison["method"]["threshold"], 0.03)
        self.assertEqual(comparison["method"]["alpha"], 0.01)
        self.assertEqual(comparison["method"]["test_name"], "Wilcoxon signed-rank")
        self.assertIn("ab-baseline", comparison["baseline_results"])
        self.assertEqual(doc["settings"]["targets"], ["fixture_sum_array", "fixture_copy_bytes"])
        for target in comparison["targets"]:
            self.assertEqual((target["basis"], target["test"], target["base_count"]),
                             ("paired_rounds", "Wilcoxon signed-rank", 3))
            self.assertAlmostEqual(target["change_of_medians"],
                                   target["new_median_ns"] / target["base_median_ns"] - 1)

    def verdict_page(self, html):
        self.assertLess(html.index('<section id="verdict">'), html.index('<section id="targets">'))
        self.assertIn("Wilcoxon signed-rank on paired rounds, two-sided, alpha 0.01", html)
        self.assertIn("a change counts from 3%", html)
        self.assertIn("3 pairs", html)
        self.assertNotIn("Mann-Whitney", html)

    def test_the_run_report_opens_with_the_verdict_and_names_the_store_problem(self):
        self.assertEqual(self.proc.returncode, 2, self.proc.stderr)  # the store refused the run
        page = self.out / "report.html"
        html = page.read_text()
        self.verdict_page(html)
        self.assertIn("History not shown", html)
        for check in check_both_widths(self, page, self.tmp, "ab", verdict=True):
            self.assertIn("comparison", {chart["kind"] for chart in check["charts"]})

    def test_report_command_keeps_the_runs_threshold_and_alpha(self):
        for extra in ([], ["--baseline", self.out / "ab-baseline"]):
            page = self.tmp / f"report{len(extra)}.html"
            proc = cost_ops("report", self.out, *extra, "-o", page)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.verdict_page(page.read_text())
        proc = cost_ops("report", self.out, "--alpha", "0.05", "-o", self.tmp / "override.html")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("alpha 0.05", (self.tmp / "override.html").read_text())


class RegressionsFirst(unittest.TestCase):
    """A run compared with a copy of itself made 50x faster for one target and
    50x slower for another: the page opens with the regression. (At 4x, the
    process medians of a loaded sanitizer build spread wider than the change
    and the test said `noisy`.)"""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-regression-"))
        good = ["--plugin-dir", FIXTURES / "good", "--targets", "fixture_sum_array,fixture_copy_bytes"]
        # Five processes a side: Mann-Whitney can then show p < 0.05.
        proc = cost_ops("run", *good, *QUICK, "--rounds", "5", "-o", cls.tmp / "run")
        assert proc.returncode == 0, proc.stderr
        doc = json.loads((cls.tmp / "run" / "results.json").read_text())
        factor = {"fixture_sum_array": 0.02, "fixture_copy_bytes": 50}  # baseline = run x factor
        for target in doc["targets"]:
            samples = target["samples"]
            samples["elapsed_ns"] = [v * factor[target["target_id"]] for v in samples["elapsed_ns"]]
        (cls.tmp / "base").mkdir()
        (cls.tmp / "base" / "results.json").write_text(json.dumps(doc))
        cls.page = cls.tmp / "regression.html"
        cls.proc = cost_ops("report", cls.tmp / "run", "--baseline", cls.tmp / "base", "-o", cls.page)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_regression_is_the_first_thing_on_the_page(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        html = self.page.read_text()
        self.assertIn("1 regression against", html)
        verdicts = html[html.index('<ul class="verdicts">'):html.index("</ul>")]
        self.assertLess(verdicts.index("fixture_sum_array"), verdicts.index("fixture_copy_bytes"))
        check_both_widths(self, self.page, self.tmp, "regression", verdict="slower")


class PairedAB(unittest.TestCase):
    """`--ab-paired`: both builds in each worker; the report shows its verdict."""

    def test_the_paired_run_report_opens_with_the_verdict(self):
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-paired-"))
        self.addCleanup(shutil.rmtree, tmp, True)
        good = ["--plugin-dir", FIXTURES / "good", "--targets", "fixture_sum_array"]
        proc = cost_ops("run", *good, "--ab-baseline-plugin-dir", FIXTURES / "good", "--ab-paired",
                        "--ab-max-processes", "3", "--ab-max-time", "1", *QUICK, "-o", tmp / "ab")
        self.assertIn(proc.returncode, (0, 3), proc.stderr)  # 3: an A/A fluke at alpha 0.05
        html = (tmp / "ab" / "report.html").read_text()
        self.assertLess(html.index('<section id="verdict">'), html.index('<section id="targets">'))
        self.assertNotIn("Mann-Whitney", html[html.index('<section id="verdict">'):])
        check_both_widths(self, tmp / "ab" / "report.html", tmp, "ab-paired", verdict=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)

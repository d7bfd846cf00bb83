#!/usr/bin/env python3
"""The HTML report and `run --export`, end to end.

`run --export FORMAT=FILE` writes what `cost-ops export` writes, refuses a
bad value before anything runs, and still writes after Ctrl-C. The report
that `run` writes (with a baseline and a history) and the one `cost-ops
report` writes from a results.json with hostile plugin text are opened in
headless Chromium (Debian's chromium): the page's own check, written into
the DOM after drawing, must list no error and a painted canvas with drawn
elements for every chart; Chromium's console log must be empty. The
screenshot is kept as <build>/artifacts/report.png (a CI artifact).

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


def check_page(test, page, workdir, screenshot=None, width=1280):
    """Opens `page` at `width` px: no error, every chart drawn, nothing wider than the window."""
    if CHROMIUM is None:
        test.skipTest("chromium is not installed (scripts/setup.sh installs it)")
    check, console, dom = open_in_chromium(page, workdir, screenshot, width)
    test.assertEqual(check["errors"], [])
    test.assertEqual(console, [])
    test.assertEqual(len(check["charts"]), check["canvases"], check)
    for chart in check["charts"]:
        test.assertGreater(chart["painted_pixels"], 0, chart)
        test.assertGreater(chart["elements"], 0, chart)
    test.assertLessEqual(check["page_width"], check["viewport_width"], f"{page} at {width} px")
    return check, dom


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

    def check_page(self, page, screenshot=None, width=1280):
        return check_page(self, page, self.tmp, screenshot, width)

    def test_every_page_fits_a_phone_and_a_desktop(self):
        for name in ("a", "b"):  # plain; baseline and history
            for width in (1400, 390):
                with self.subTest(run=name, width=width):
                    self.check_page(self.tmp / name / "report.html",
                                    BUILD / "artifacts" / f"report-{name}-{width}.png", width)

    def _unused(self):
        pass

    def test_run_report_with_baseline_and_history_draws_every_chart(self):
        self.assertEqual(len(check["charts"]), check["canvases"], check)
        for chart in check["charts"]:
            self.assertGreater(chart["painted_pixels"], 0, chart)
            self.assertGreater(chart["elements"], 0, chart)
        return check, dom

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
        for width in (1400, 390):
            check, _ = check_page(self, page, self.tmp, BUILD / "artifacts" / f"report-ab-{width}.png",
                                  width)
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


if __name__ == "__main__":
    unittest.main(verbosity=2)

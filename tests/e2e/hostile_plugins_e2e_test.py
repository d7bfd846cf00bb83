#!/usr/bin/env python3
"""Nothing a plugin does can corrupt, fake, outlive or stop the run: hostile
text and output, floods of the result pipe, forged results, processes that
try to escape, and a host killed by SIGKILL. Every file must stay valid
(strict JSON, the schemas), later targets must still run, and no process
may be left, checked in the process table.

usage: hostile_plugins_e2e_test.py COST_OPS_BINARY FIXTURE_DIR SCHEMA_DIR
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_support

HOST, FIXTURES, SCHEMAS = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
del sys.argv[1:4]
HOSTILE_TEXT = FIXTURES / "hostile_text"
ESCAPING = FIXTURES / "escaping"
GOOD = FIXTURES / "good"
QUICK = ["--warmup-time", "0", "--min-time", "0.05", "--min-samples", "3"]
ESCAPEE = "costops-escapee"


def results_validator():
    return e2e_support.results_validator(SCHEMAS)


def strict_json(path):
    def refuse(constant):
        raise ValueError(f"{path}: non-standard constant {constant}")
    return json.loads(pathlib.Path(path).read_bytes().decode("utf-8"), parse_constant=refuse)


def escapees():
    found = []
    for comm in pathlib.Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == ESCAPEE:
                found.append(int(comm.parent.name))
        except OSError:
            pass
    return found


class HostilePlugins(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-hostile-"))
        os.chmod(self.tmp, 0o755)
        self.out = self.tmp / "out"

    def tearDown(self):
        for pid in escapees():  # never leave one behind for the next test
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def plugin_dir(self, *libraries):
        plugins = self.tmp / "plugins"
        plugins.mkdir(exist_ok=True)
        for library in libraries:
            shutil.copy(library, plugins / library.name)
        return plugins

    def test_hostile_text_never_makes_a_file_invalid(self):
        plugins = self.plugin_dir(*HOSTILE_TEXT.glob("*.so"), GOOD / "good_c_plugin.so")
        proc = subprocess.run([HOST, "run", "--plugin-dir", plugins, "-o", self.out, *QUICK],
                              capture_output=True, timeout=300)
        self.assertEqual(proc.returncode, 1)  # some hostile targets fail, as they should
        self.assertNotIn(b"\x1b[2K", proc.stderr)  # no escape sequence reached the terminal
        results = strict_json(self.out / "results.json")
        results_validator().validate(results)
        by_id = {t["target_id"]: t for t in results["targets"]}
        self.assertEqual(by_id["fixture_sum_array"]["status"], "ok")  # later targets ran
        bad = by_id["hostile_bad_utf8"]
        self.assertEqual(bad["status"], "ok")
        self.assertIn("\ufffd", bad["description"])
        self.assertIn("\ufffd", bad["metrics"]["bad_value"])
        self.assertNotIn("Bad-Key", bad["metrics"])
        self.assertTrue(any("Bad-Key" in line and "dropped" in line for line in bad["plugin_log"]))
        self.assertEqual(by_id["hostile_long_text"]["status"], "ok")
        self.assertEqual(by_id["hostile_euro_flood"]["status"], "ok")
        self.assertIn("€", by_id["hostile_euro_flood"]["plugin_output"])
        self.assertEqual(by_id["hostile_unterminated"]["status"], "failed")
        self.assertLessEqual(len(by_id["hostile_unterminated"]["reason"]), 4200)
        many = by_id["hostile_many_metrics"]
        self.assertEqual(many["status"], "ok")
        self.assertEqual(sum(k.startswith("metric_") for k in many["metrics"]), 10000)
        self.assertTrue(any("were dropped" in line for line in many["plugin_log"]))
        flood = by_id["hostile_result_flood"]
        self.assertEqual(flood["status"], "crashed")
        self.assertIn("result message larger than", flood["reason"])
        forged = by_id["hostile_forged_result"]
        self.assertEqual(forged["status"], "invalid")
        self.assertIn("not plausible", forged["reason"])
        for raw in (self.out / "raw").glob("*.json"):
            strict_json(raw)
        summary = (self.out / "summary.md").read_text(encoding="utf-8")
        self.assertIn("\\*markdown\\*", summary)
        self.assertIn("&lt;script\\>", summary)
        self.assertRegex(summary, r"and \d+ more \(in results.json\)")  # no flood in the summary
        self.assertNotIn("\n# heading", summary)
        compare = subprocess.run([HOST, "compare", self.out, self.out], capture_output=True)
        self.assertEqual(compare.returncode, 0, compare.stderr)
        listing = subprocess.run([HOST, "plugins", "list", "--json", "--plugin-dir", plugins],
                                 capture_output=True)
        json.loads(listing.stdout)

    def test_nothing_outlives_its_target(self):
        for mode in ("setsid_child", "double_fork", "hijack_group", "plain_child"):
            plugins = ESCAPING / mode
            start = time.monotonic()
            proc = subprocess.run([HOST, "run", "--plugin-dir", plugins, "-o", self.out, *QUICK,
                                   "--timeout", "3"], capture_output=True, text=True, timeout=120)
            self.assertLess(time.monotonic() - start, 30, mode)  # --timeout won, not a 40 s wait
            self.assertEqual(escapees(), [], mode)
            target = strict_json(self.out / "results.json")["targets"][0]
            # `ok` means clean: a target that left a process running failed.
            self.assertEqual(target["status"], "timed_out" if mode == "hijack_group" else "failed",
                             mode)
            if mode != "hijack_group":
                self.assertRegex(target["reason"], r"left \d+ process(es)? running after teardown", mode)

    def test_a_host_killed_by_sigkill_leaves_no_worker_or_descendant(self):
        for mode in ("plain_child", "setsid_child"):
            host = subprocess.Popen([HOST, "run", "--plugin-dir", ESCAPING / mode, "-o", self.out,
                                     "--min-time", "20", "--timeout", "60"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):  # until the escapee exists
                if escapees():
                    break
                time.sleep(0.05)
            self.assertTrue(escapees(), mode)
            host.kill()
            host.wait()
            for _ in range(100):
                if not escapees():
                    break
                time.sleep(0.05)
            self.assertEqual(escapees(), [], mode)

    def test_plugins_are_trusted_only_on_a_safe_path(self):
        def run_dir(plugins):
            return subprocess.run([HOST, "run", "--plugin-dir", plugins, "-o", self.out, *QUICK],
                                  capture_output=True, text=True, timeout=120)
        # A plugin directory below a world-writable, non-sticky parent.
        open_parent = self.tmp / "open"
        (open_parent / "plugins").mkdir(parents=True)
        shutil.copy(GOOD / "good_c_plugin.so", open_parent / "plugins")
        os.chmod(open_parent, 0o777)
        proc = run_dir(open_parent / "plugins")
        self.assertEqual(proc.returncode, 2)  # refused, so no target is left to run
        self.assertIn("writable by every user", proc.stderr)
        self.assertIn(f"chmod go-w {open_parent}", proc.stderr)
        # A symbolic link, in a safe directory, to a plugin in that unsafe one.
        safe = self.tmp / "safe"
        safe.mkdir()
        (safe / "linked.so").symlink_to(open_parent / "plugins" / "good_c_plugin.so")
        self.assertIn("writable by every user", run_dir(safe).stderr)
        # Group-writable plugin directory.
        os.chmod(open_parent, 0o755)
        os.chmod(open_parent / "plugins", 0o775)
        self.assertIn("writable by its group", run_dir(open_parent / "plugins").stderr)
        os.chmod(open_parent / "plugins", 0o755)
        self.assertEqual(run_dir(open_parent / "plugins").returncode, 0)
        if os.geteuid() == 0:  # a file owned by another user
            os.chown(open_parent / "plugins" / "good_c_plugin.so", 65534, 65534)
            proc = run_dir(open_parent / "plugins")
            self.assertEqual(proc.returncode, 2)
            self.assertIn("belongs to user 65534", proc.stderr)

    @unittest.skipUnless(os.geteuid() == 0, "a set-uid copy owned by another user needs root")
    def test_a_setuid_host_refuses_plugin_dir(self):
        setuid_host = self.tmp / "cost-ops"
        shutil.copy2(HOST, setuid_host)
        os.chown(setuid_host, 65534, 65534)
        os.chmod(setuid_host, 0o4755)
        proc = subprocess.run(["setpriv", "--reuid=0", "--regid=0", "--clear-groups", setuid_host,
                               "run", "--plugin-dir", GOOD, "-o", self.out, *QUICK],
                              capture_output=True, text=True, timeout=60)
        if "Operation not permitted" in proc.stderr:
            self.skipTest("set-uid is not honoured here (nosuid mount)")
        self.assertIn("--plugin-dir is refused", proc.stderr)
        # Under the sanitizer build, LeakSanitizer cannot run set-uid and
        # turns the exit code into its own; the refusal above still happened.
        if "LeakSanitizer" not in proc.stderr:
            self.assertEqual(proc.returncode, 2, proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

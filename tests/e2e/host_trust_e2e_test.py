#!/usr/bin/env python3
"""The host trusts only what it wrote (issue 21, part 2). Each test plays a
plugin that could write where the host keeps its files (where the worker
sandbox cannot hide them) or feeds the host hostile text, and asserts the
safe outcome: tampering with a baseline, the journal, raw/ or the probe
cache is refused or undone; a FIFO never hangs the host; a full disk is
never success; no plugin text reaches a terminal, a line format or a
spreadsheet raw; messages say what a path really is and never advise
changing a device or a shared directory.

usage: host_trust_e2e_test.py COST_OPS_BINARY FIXTURE_DIR
"""
import csv
import io
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

HOST, FIXTURES = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
del sys.argv[1:3]
GOOD = FIXTURES / "good" / "good_c_plugin.so"
TRUST = FIXTURES / "trust"
HANG = FIXTURES / "hostile" / "misbehaving_hang_run.so"
SHIM = FIXTURES / "shims" / "full_disk_shim.so"
QUICK = ["--warmup-time", "0", "--min-time", "0.05", "--min-samples", "3"]
CONTROLS = [b"\x1b", b"\x08", b"\x7f", b"\r"]


def trust_plugin(case):
    return TRUST / case / f"trust_{case}.so"


class HostTrust(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-trust-"))
        os.chmod(self.tmp, 0o755)
        self.out = self.tmp / "out"
        self.env = dict(os.environ)
        for var in ("COST_OPS_NO_PROBE_CACHE", "COST_OPS_HOST_KEY", "COST_OPS_PLUGIN_PATH"):
            self.env.pop(var, None)
        self.env["HOME"] = str(self.tmp / "home")
        self.env["XDG_CACHE_HOME"] = str(self.tmp / "home" / "cache")
        self.env["XDG_STATE_HOME"] = str(self.tmp / "home" / "state")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def plugins(self, *libraries, name="plugins"):
        directory = self.tmp / name
        directory.mkdir(exist_ok=True)
        for library in libraries:
            shutil.copy(library, directory / library.name)
        return directory

    def host(self, *args, env=None, cwd=None, timeout=120):
        return subprocess.run([HOST, *map(str, args)], capture_output=True, env=env or self.env,
                              cwd=cwd or self.tmp, timeout=timeout)

    def assert_ran(self, proc):
        # 1 as well: on a loaded machine a target can fail the worker's
        # plausibility checks; what these tests check does not depend on it.
        self.assertIn(proc.returncode, (0, 1), proc.stderr)

    def run_good(self, *extra):
        return self.host("run", "--plugin-dir", self.plugins(GOOD), "-o", self.out, *QUICK, *extra)

    # --- tampering with each file the host reads back -------------------------------------

    def test_a_tampered_or_unsigned_baseline_is_refused(self):
        self.assert_ran(self.run_good("--save-baseline", "main"))
        stored = self.out / "baselines" / "main" / "results.json"
        self.assertTrue((self.out / "baselines" / "main" / "results.json.sig").is_file())
        self.assert_ran(self.run_good("--baseline", "main"))  # signed: trusted
        doc = json.loads(stored.read_text())
        doc = json.loads(stored.read_text())
        for target in doc["targets"]:  # a 40x slower baseline would hide a 40x regression
            samples = target["samples"]
            samples["elapsed_ns"] = [v * 40 for v in samples["elapsed_ns"]]
        stored.write_text(json.dumps(doc))
        proc = self.run_good("--baseline", "main")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"does not match its signature", proc.stderr)
        self.assertIn(b"--save-baseline main", proc.stderr)
        # New case: the signature removed as well.
        (self.out / "baselines" / "main" / "results.json.sig").unlink()
        proc = self.run_good("--baseline", "main")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"has no signature", proc.stderr)

    def test_a_results_json_changed_after_its_run_is_refused(self):
        # A run's results.json, used later as a baseline by directory, is
        # signed beside it (results.json.sig); a plugin of a later run tries
        # to rewrite it in place.
        base = self.tmp / "base"
        self.assert_ran(self.host("run", "--plugin-dir", self.plugins(GOOD), "-o", base, *QUICK))
        signature = base / "results.json.sig"
        self.assertTrue(signature.is_file())
        original = (base / "results.json").read_bytes()
        env = dict(self.env, COSTOPS_PLUGIN_TAMPER=str(base / "results.json"))
        tamper = self.plugins(trust_plugin("tamper_results"), name="tamper")
        # In the sandbox another run's files are read-only: the write fails.
        self.assert_ran(self.host("run", "--plugin-dir", tamper, "-o", self.out, *QUICK, env=env))
        self.assertEqual((base / "results.json").read_bytes(), original)
        target = json.loads((self.out / "results.json").read_text())["targets"][0]
        self.assertIn("tamper: open", target["plugin_output"])
        proc = self.host("compare", base, base)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn(b"signature", proc.stderr)
        # --isolation none: the plugin runs inside the host and rewrites it;
        # every command that reads it back refuses it.
        proc = self.host("run", "--plugin-dir", tamper, "-o", self.out, *QUICK, "--isolation",
                         "none", env=env)
        self.assert_ran(proc)
        self.assertNotEqual((base / "results.json").read_bytes(), original)
        json.loads((base / "results.json").read_text())  # still a valid results.json
        for command in (("compare", base, self.out),
                        ("report", base, "-o", self.tmp / "report.html"),
                        ("run", "--plugin-dir", self.plugins(GOOD), "-o", self.tmp / "new",
                         *QUICK, "--baseline", base)):
            proc = self.host(*command)
            self.assertEqual(proc.returncode, 2, (command, proc.stderr))
            self.assertIn(b"does not match its signature (results.json.sig)", proc.stderr)
        # The signature removed as well: read, but never silently.
        signature.unlink()
        proc = self.host("compare", base, base)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(b"carries no signature of this host", proc.stderr)

    def test_a_forged_journal_is_refused_and_a_real_one_is_a_partial_run(self):
        forged = self.tmp / "forged"
        forged.mkdir()
        (forged / ".journal.jsonl").write_text(json.dumps(
            {"target_id": "fixture_sum_array", "status": "ok", "samples": {"ns_per_op": [1.0]}}) + "\n")
        self.assert_ran(self.run_good())
        proc = self.host("compare", forged, self.out)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"not a line the host writes", proc.stderr)
        # A real journal: the host is killed while the second target hangs.
        plugins = self.plugins(GOOD, HANG, name="with_hang")
        partial = self.tmp / "partial"
        host = subprocess.Popen([HOST, "run", "--plugin-dir", plugins, "-o", partial, *QUICK,
                                 "--timeout", "120"], env=self.env, cwd=self.tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        journal = partial / ".journal.jsonl"
        deadline = time.monotonic() + 100
        while time.monotonic() < deadline:  # until the good target is journalled
            if journal.exists() and journal.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.05)
        host.kill()
        host.wait()
        self.assertFalse((partial / "results.json").exists())
        proc = self.host("compare", self.out, partial)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"partial run: 2 of 3 targets, host did not finish", proc.stderr)
        self.assertIn(b"fixture_sum_array", proc.stdout)  # what finished is still compared
        # A torn last line is reported, not skipped.
        with open(journal, "ab") as f:
            f.write(b'{"mac":"00')
        proc = self.host("compare", self.out, partial)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"line 4 is cut short", proc.stderr)
        # New case: a line replayed from another run's journal (valid MAC, other run id).
        lines = journal.read_bytes().split(b"\n")
        other = self.tmp / "other"
        other.mkdir()
        (other / ".journal.jsonl").write_bytes(lines[0] + b"\n" + lines[1] + b"\n")
        journal.unlink()  # so the wait below sees the second run's journal
        host = subprocess.Popen([HOST, "run", "--plugin-dir", plugins, "-o", partial, *QUICK,
                                 "--timeout", "120"], env=self.env, cwd=self.tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 100
        while time.monotonic() < deadline:
            if journal.exists() and journal.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.05)
        host.kill()
        host.wait()
        new_lines = journal.read_bytes().split(b"\n")
        (other / ".journal.jsonl").write_bytes(new_lines[0] + b"\n" + lines[1] + b"\n")
        proc = self.host("compare", self.out, other)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"line 2 is not signed by this host for this run", proc.stderr)
        # aggregate of the unfinished directory says so too.
        proc = self.host("aggregate", partial, "-o", self.tmp / "agg")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("partial run", (self.tmp / "agg" / "results.json").read_text())

    def test_a_planted_raw_record_does_not_survive_the_run(self):
        plugins = self.plugins(trust_plugin("ghost_raw"), GOOD)
        proc = self.host("run", "--plugin-dir", plugins, "-o", "out", *QUICK)
        self.assert_ran(proc)
        results = json.loads((self.out / "results.json").read_text())
        ok = sorted(t["target_id"] + ".json" for t in results["targets"] if t["status"] == "ok")
        self.assertIn("trust_ghost_raw.json", ok)  # the planting target ran
        self.assertEqual(sorted(p.name for p in (self.out / "raw").iterdir()), ok)
        proc = self.host("aggregate", self.out, "-o", self.tmp / "agg")
        self.assertNotIn("ghost_target", (self.tmp / "agg" / "results.json").read_text())

    def test_raw_records_planted_or_changed_after_the_run_are_refused(self):
        # Where the sandbox cannot keep a plugin out of another run's
        # directory (no mount namespace, no Landlock), what the run wrote is
        # still known: results.json lists each record's SHA-256 and is signed.
        proc = self.host("run", "--plugin-dir", self.plugins(GOOD), "-o", "out", *QUICK)
        self.assert_ran(proc)
        raw = self.out / "raw"
        records = sorted(raw.iterdir())
        self.assertGreaterEqual(len(records), 2)
        listed = json.loads((self.out / "results.json").read_text())["raw_record_digests"]
        self.assertEqual(sorted(listed), [p.name for p in records])
        # Untouched: merged, exit 0, no note.
        proc = self.host("aggregate", self.out, "-o", self.tmp / "agg0")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn(b"refused", proc.stderr)
        planted = json.loads(records[0].read_text())
        planted["target_id"] = "ghost_target"
        (raw / "ghost_target.json").write_text(json.dumps(planted))
        changed = json.loads(records[1].read_text())
        changed["metrics"]["p50_duration_ns"] *= 40  # a 40x regression hidden
        records[1].write_text(json.dumps(changed, indent=2))
        records[0].unlink()
        proc = self.host("aggregate", self.out, "-o", self.tmp / "agg")
        self.assertEqual(proc.returncode, 1)
        err = proc.stderr.decode()
        self.assertIn("ghost_target.json: not written by the run in this directory", err)
        self.assertIn(records[1].name + ": changed after the run wrote it", err)
        self.assertIn(records[0].name + ": listed in results.json, but missing", err)
        merged = json.loads((self.tmp / "agg" / "results.json").read_text())
        self.assertEqual(merged["targets"], [])  # nothing the run did not write as it is
        proc = self.host("import", "raw", self.out, "-o", self.tmp / "imported")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"changed after the run wrote it", proc.stderr)
        # A results.json changed after this host signed it vouches for nothing.
        results = self.out / "results.json"
        results.write_text(results.read_text().replace('"schema_version"', '"schema_version" '))
        proc = self.host("aggregate", self.out, "-o", self.tmp / "agg2")
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"its raw/ records are refused", proc.stderr)

    def cache_file(self):
        return self.tmp / "home" / "cache" / "cost-ops" / "probe-cache.json"

    def listed(self, plugins):
        proc = self.host("run", "--list", "--plugin-dir", plugins)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return [line.split(b"\t")[0] for line in proc.stdout.splitlines()]

    def test_a_tampered_probe_cache_is_ignored(self):
        plugins = self.plugins(GOOD, trust_plugin("same_a"))
        self.assertEqual(len(self.listed(plugins)), 3)
        cache = self.cache_file()
        text = cache.read_text()
        self.assertIn("trust_same_aaaa", text)
        # A plugin empties another plugin's target list in the cache.
        doc = json.loads(text.split("\n", 1)[1])
        for entry in doc.values():
            entry["probe"]["targets"] = []
        cache.write_text(text.split("\n", 1)[0] + "\n" + json.dumps(doc))
        self.assertEqual(sorted(self.listed(plugins)),
                         [b"fixture_copy_bytes", b"fixture_sum_array", b"trust_same_aaaa"])

    def test_a_plugin_rewritten_in_place_with_the_same_size_and_times_is_probed_again(self):
        plugins = self.plugins(trust_plugin("same_a"))
        library = plugins / "trust_same_a.so"
        self.assertEqual(self.listed(plugins), [b"trust_same_aaaa"])
        before = os.stat(library)
        replacement = trust_plugin("same_b").read_bytes()
        original_size = before.st_size
        if len(replacement) < original_size:  # pad: bytes after an ELF's sections are ignored
            replacement += b"\0" * (original_size - len(replacement))
        self.assertEqual(len(replacement), original_size)
        with open(library, "r+b") as f:  # in place: same inode
            f.write(replacement)
        os.utime(library, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(library)
        self.assertEqual((after.st_ino, after.st_size, after.st_mtime_ns),
                         (before.st_ino, before.st_size, before.st_mtime_ns))
        self.assertEqual(self.listed(plugins), [b"trust_same_bbbb"])

    # --- FIFOs, sockets, devices and links where a file belongs ---------------------------

    def test_fifos_never_hang_the_host(self):
        cache = self.cache_file()
        cache.parent.mkdir(parents=True)
        os.mkfifo(cache)
        self.assert_ran(self.run_good())  # cache ignored, replaced, not opened
        self.assertTrue(cache.is_file())
        # A journal that is a FIFO, read by compare.
        fifo_dir = self.tmp / "fifo_run"
        fifo_dir.mkdir()
        os.mkfifo(fifo_dir / ".journal.jsonl")
        proc = self.host("compare", self.out, fifo_dir, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"is a FIFO (named pipe), not a regular file", proc.stderr)
        # results.json as a FIFO, and a --baseline that is one.
        os.mkfifo(fifo_dir / "results.json")
        proc = self.host("compare", self.out, fifo_dir / "results.json", timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"FIFO", proc.stderr)
        proc = self.run_good("--baseline", fifo_dir / "results.json")
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"FIFO", proc.stderr)
        # New case: the signature beside a results.json is a FIFO.
        signed = self.tmp / "sig_fifo"
        signed.mkdir()
        shutil.copy(self.out / "results.json", signed / "results.json")
        os.mkfifo(signed / "results.json.sig")
        proc = self.host("compare", self.out, signed, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"results.json.sig is a FIFO", proc.stderr)
        # New case: the output directory's lock file is a FIFO.
        (self.out / ".lock").unlink()
        os.mkfifo(self.out / ".lock")
        proc = self.run_good()
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b".lock is a FIFO", proc.stderr)

    # --- a full disk is never success -----------------------------------------------------

    def full_disk_env(self, pattern, partial=False):
        env = dict(self.env)
        env["LD_PRELOAD"] = str(SHIM)
        env["COSTOPS_FULL_DISK_PATTERN"] = pattern
        if partial:
            env["COSTOPS_FULL_DISK_PARTIAL"] = "1"
        # A sanitizer build's runtime must otherwise be the first library.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        return env

    def test_a_full_disk_is_reported_and_never_success(self):
        plugins = self.plugins(GOOD)
        proc = self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK,
                         env=self.full_disk_env(str(self.out) + "/", partial=True))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"No space left on device", proc.stderr)
        self.assertIn(b"results.json", proc.stderr)
        self.assertNotIn(b"Results:", proc.stderr)
        self.assertFalse((self.out / "results.json").exists())
        journal = self.out / ".journal.jsonl"
        if journal.exists():  # never half a line
            content = journal.read_bytes()
            self.assertTrue(content == b"" or content.endswith(b"\n"), content[-80:])
        # New case: only results.json fails; the Results: line names what exists.
        proc = self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK,
                         env=self.full_disk_env("results.json"))
        self.assertEqual(proc.returncode, 2)
        results_lines = [l for l in proc.stderr.splitlines() if b"Results:" in l]
        self.assertEqual(len(results_lines), 1, proc.stderr)
        self.assertIn(b"summary.md", results_lines[0])
        self.assertNotIn(b"results.json", results_lines[0])
        self.assertTrue((self.out / "summary.md").is_file())
        # New case: only the signature beside results.json cannot be written;
        # results.json is then not written either (never one without it).
        proc = self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK,
                         env=self.full_disk_env("results.json.sig"))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"results.json.sig", proc.stderr)
        self.assertIn(b"No space left on device", proc.stderr)
        for line in (l for l in proc.stderr.splitlines() if b"Results:" in l):
            self.assertNotIn(b"results.json", line)
        self.assertFalse((self.out / "results.json").exists())

    # --- plugin text: terminals, line formats, JSON, CSV ----------------------------------

    def test_plugin_text_never_reaches_a_terminal_or_breaks_a_line_raw(self):
        plugins = self.plugins(trust_plugin("control_text"), GOOD)
        proc = self.host("run", "--list", "--plugin-dir", plugins)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 3)  # one line per target, whatever the description
        for line in lines:
            self.assertEqual(line.count(b"\t"), 3, line)
        for listing in (proc.stdout, self.host("plugins", "list", "--plugin-dir", plugins).stdout):
            for control in CONTROLS:
                self.assertNotIn(control, listing)
            self.assertNotIn(b"\xc2\x9b", listing)  # C1 CSI
            self.assertNotIn(b"\xe2\x80\xae", listing)  # new case: U+202E turns text around
        self.assertIn(b"line one line two", proc.stdout)
        run = self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK, "-v")
        self.assert_ran(run)
        self.assertNotIn(b"\x1b]0;", run.stderr)
        json.loads((self.out / "results.json").read_bytes().decode("utf-8"))

    def test_a_300_byte_cut_inside_a_character_keeps_results_json_utf8(self):
        plugins = self.plugins(trust_plugin("long_crash"), GOOD)
        proc = self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK)
        self.assertEqual(proc.returncode, 1, proc.stderr)  # the crashed plugin file
        results = json.loads((self.out / "results.json").read_bytes().decode("utf-8"))
        reasons = [p.get("reason", "") for p in results["plugins"]]
        cut = [r for r in reasons if "xxxx" in r]
        self.assertEqual(len(cut), 1, reasons)
        self.assertNotIn("\ufffd", cut[0])  # cut before the character, not through it
        self.assertTrue(cut[0].endswith("..."), cut[0])
        self.assertIn(self.host("compare", self.out, self.out).returncode, (0, 3))
        self.assertEqual(self.host("report", self.out, "-o", self.tmp / "r.html").returncode, 0)

    def test_csv_neutralises_formula_cells_but_not_negative_numbers(self):
        plugins = self.plugins(trust_plugin("csv_formula"), GOOD)
        self.host("run", "--plugin-dir", plugins, "-o", self.out, *QUICK)
        csv_file = self.tmp / "out.csv"
        proc = self.host("export", self.out, "--format", "csv", "-o", csv_file)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = list(csv.DictReader(io.StringIO(csv_file.read_bytes().decode("utf-8"), newline="")))
        formula = [r for r in rows if r["target_id"] == "trust_csv_formula"][0]
        self.assertEqual(formula["plugin"], "'@SUM(A1)")
        self.assertEqual(formula["plugin_version"], "'-1+1")
        for row in rows:
            for column, cell in row.items():
                self.assertFalse(cell[:1] in ("=", "+", "@", "\t", "\r"), (column, cell))
                if cell.startswith("-"):  # only numbers may start with a minus
                    float(cell)

    # --- messages that are true and safe --------------------------------------------------

    def test_a_host_key_path_that_is_no_key_is_never_to_be_removed_or_chmodded(self):
        # New case: COST_OPS_HOST_KEY names a file that is not a key (think
        # /etc/hostname): the host must not advise removing it or its mode.
        hostname = self.tmp / "hostname"
        hostname.write_text("build-machine\n")
        os.chmod(hostname, 0o644)
        env = dict(self.env, COST_OPS_HOST_KEY=str(hostname))
        proc = self.host("run", "--plugin-dir", self.plugins(GOOD), "-o", self.out, *QUICK,
                         "--save-baseline", "main", env=env)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(b"is not a host key", proc.stderr)
        self.assertNotIn(b"chmod", proc.stderr)
        self.assertNotIn(b"remove it", proc.stderr)
        self.assertEqual(hostname.read_text(), "build-machine\n")

    def test_messages_name_what_a_path_is_and_never_advise_chmod_on_shared_paths(self):
        plugins = self.tmp / "odd"
        plugins.mkdir()
        (plugins / "zero.so").symlink_to("/dev/zero")
        (plugins / "dir.so").mkdir()
        (plugins / "loop.so").symlink_to(plugins / "loop.so")
        os.mkfifo(plugins / "fifo.so")
        proc = self.host("plugins", "list", "--plugin-dir", plugins)
        out = proc.stdout + proc.stderr
        self.assertNotIn(b"chmod", out)
        self.assertIn(b"a symbolic link to /dev/zero, a character device", out)
        self.assertIn(b"dir.so is a directory", out)
        self.assertIn(b"a symbolic link loop", out)
        self.assertIn(b"fifo.so is a FIFO", out)
        for name in ("dir.so", "loop.so"):
            proc = self.host("plugins", "check", plugins / name)
            self.assertNotIn(b"does not exist", proc.stdout)
            self.assertNotIn(b"empty", proc.stdout)
        # A plugin in /tmp itself: never `chmod go-w /tmp`.
        shared = pathlib.Path(tempfile.mkstemp(suffix=".so", dir="/tmp")[1])
        try:
            shutil.copy(GOOD, shared)
            os.chmod(shared, 0o644)
            linked = self.tmp / "linked"
            linked.mkdir()
            (linked / "p.so").symlink_to(shared)
            proc = self.host("run", "--list", "--plugin-dir", linked)
            self.assertNotIn(b"chmod go-w /tmp", proc.stderr)
            self.assertIn(b"/tmp is a shared directory", proc.stderr)
        finally:
            shared.unlink()
        # ELF files that are not this machine's shared libraries.
        header = bytearray(GOOD.read_bytes()[:64])
        big_endian = bytearray(header)
        big_endian[5] = 2
        (self.tmp / "be.so").write_bytes(bytes(big_endian) + b"\0" * 64)
        proc = self.host("plugins", "check", self.tmp / "be.so")
        self.assertIn(b"an ELF file for big-endian machines (this host is little-endian)",
                      proc.stdout)
        relocatable = bytearray(header)
        relocatable[16:18] = (1).to_bytes(2, "little")
        (self.tmp / "obj.so").write_bytes(bytes(relocatable) + b"\0" * 64)
        proc = self.host("plugins", "check", self.tmp / "obj.so")
        self.assertIn(b"a relocatable object (.o)", proc.stdout)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""End-to-end tests of the shared PostgreSQL result store: many concurrent
`cost-ops run --history postgresql://...` writers, one killed mid-insert, a
server that is down or refuses the login, the outbox upload, `compare
run:ID`, and `aggregate --history` across repositories.

Run under scripts/with-test-postgres.sh, which starts a throwaway cluster and
sets COSTOPS_TEST_STORE_URL.

usage: fleet_e2e_test.py COST_OPS_BINARY FIXTURE_DIR
"""
import calendar
import glob
import json
import os
import pathlib
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import threading
import sys
import tempfile
import time
import unittest

HOST, FIXTURES = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
del sys.argv[1:3]
URL = os.environ["COSTOPS_TEST_STORE_URL"]
SOCKET_DIR = URL.split("host=", 1)[1]
GOOD = FIXTURES / "good"
QUICK = ["--warmup-time", "0.01", "--min-time", "0.02", "--min-samples", "3",
         "--plugin-dir", str(GOOD), "--allow-insecure-plugins", "--quiet"]
WRITERS = 8


def run(*args, env=None, timeout=120):
    return subprocess.run([str(HOST), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


PSQL = shutil.which("psql") or sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
PASSWORD = "s3cret-Pw"
# The test cluster trusts local logins: a password is accepted and ignored.
URL_WITH_PASSWORD = URL.replace("costops@", "costops:" + PASSWORD + "@", 1)


def sql(statement):
    return subprocess.run([PSQL, "-X", "-At", "-d", URL, "-c", statement], capture_output=True,
                          text=True, check=True).stdout


def history(target, *filters):
    proc = run("history", target, "--history", URL, "--format", "json", *filters)
    if proc.returncode == 2 and "holds no result of target" in proc.stderr:
        return {"runs": []}
    return json.loads(proc.stdout)


class FleetEndToEnd(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-fleet-"))

    def tearDown(self):
        subprocess.run(["rm", "-rf", str(self.tmp)], check=False)

    def start_run(self, name, repository, *extra, env=None):
        return subprocess.Popen(
            [str(HOST), "run", "-o", str(self.tmp / name), *QUICK, "--history", URL,
             "--repository", repository, "--label", "writer=" + name, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def test_concurrent_writers_are_stored_whole_and_a_killed_one_not_at_all(self):
        marker = self.tmp / "inside-transaction"
        env = dict(os.environ, COSTOPS_TEST_PAUSE_IN_INSERT=str(marker))
        killed = self.start_run("killed", "fleet-concurrent", env=env)
        writers = [self.start_run(str(i), "fleet-concurrent") for i in range(WRITERS)]
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(marker.exists(), "the killed writer never reached its insert")
        killed.send_signal(signal.SIGKILL)
        killed.communicate()
        for i, proc in enumerate(writers):
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, f"writer {i}: {err}")
        for target in ("fixture_sum_array", "fixture_copy_bytes"):
            runs = history(target, "--repository", "fleet-concurrent")["runs"]
            labels = sorted(r["provenance"]["labels"][0] for r in runs)
            self.assertEqual(labels, sorted(f"writer={i}" for i in range(WRITERS)), target)
            for r in runs:  # every sample of every target, as its results.json has them
                name = r["provenance"]["labels"][0].split("=", 1)[1]
                results = json.loads((self.tmp / name / "results.json").read_text())
                stored = [t for t in results["targets"] if t["target_id"] == target][0]
                self.assertEqual(r["samples"], len(stored["samples"]["elapsed_ns"]))
                self.assertEqual(r["status"], "ok")
        # The killed run's files exist up to its insert; the store has none of it.
        self.assertTrue((self.tmp / "killed" / "results.json").exists())

    def test_a_session_terminated_mid_insert_is_retried_and_the_run_stored_once(self):
        marker = self.tmp / "inside-transaction"
        env = dict(os.environ, COSTOPS_TEST_PAUSE_IN_INSERT=str(marker))
        name = "fleet-terminated-" + str(os.getpid())
        proc = subprocess.Popen(
            [str(HOST), "run", "-o", str(self.tmp / "terminated"), *QUICK, "--history",
             URL + "&application_name=" + name, "--repository", name],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(marker.exists())
        # Its rows are written, the transaction open: the session dies.
        self.assertEqual(sql("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM "
                             f"pg_stat_activity WHERE application_name = '{name}'").strip(), "t")
        marker.unlink()  # the writer goes on: its COMMIT finds the session gone
        _, stderr = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertEqual(len(history("fixture_sum_array", "--repository", name)["runs"]), 1)
        self.assertEqual(sql(f"SELECT count(*) FROM runs WHERE repository = '{name}'").strip(), "1")
        self.assertFalse((self.tmp / "terminated" / "history-outbox").exists())

    def test_time_filters_take_any_zone_and_refuse_a_time_without_one(self):
        name = "fleet-zones-" + str(os.getpid())
        proc = run("run", "-o", str(self.tmp / "zones"), *QUICK, "--history", URL,
                   "--repository", name)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        started = json.loads((self.tmp / "zones" / "results.json").read_text())["timestamp"]
        # The same instant written in UTC+2 and UTC-5.
        epoch = calendar.timegm(time.strptime(started[:19], "%Y-%m-%dT%H:%M:%S"))
        def zoned(seconds, hours):
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds + hours * 3600))
            return text + ("+" if hours >= 0 else "-") + f"{abs(hours):02d}:00"
        found = lambda *f: len(history("fixture_sum_array", "--repository", name, *f)["runs"])
        self.assertEqual(found("--since", zoned(epoch, 2), "--until", zoned(epoch, -5)), 1)
        self.assertEqual(found("--since", zoned(epoch + 1, 2)), 0)
        self.assertEqual(found("--until", zoned(epoch - 1, -5)), 0)
        no_zone = run("history", "fixture_sum_array", "--history", URL, "--since",
                      started[:19])
        self.assertEqual(no_zone.returncode, 2)
        self.assertIn("with its zone", no_zone.stderr)

    def test_a_missing_history_file_hint_pastes_as_one_word(self):
        proc = run("history", "t", "--history", str(self.tmp / "CI artifacts" / "history.db"))
        self.assertEqual(proc.returncode, 2)
        hint = proc.stderr.split("record runs with `", 1)[1].split("`", 1)[0]
        self.assertEqual(shlex.split(hint)[-1], str(self.tmp / "CI artifacts" / "history.db"))

    def test_a_server_that_is_down_keeps_the_run_for_upload(self):
        down = "postgresql://costops@/costops?host=" + str(self.tmp / "no-server")
        out = self.tmp / "down"
        proc = run("run", "-o", str(out), *QUICK, "--history", down, "--repository", "fleet-down")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("cannot connect to the result store", proc.stderr)
        self.assertIn("cost-ops history upload", proc.stderr)
        self.assertTrue((out / "results.json").exists())
        self.assertIn("History not shown", (out / "report.html").read_text())
        queued = list((out / "history-outbox").glob("*.json"))
        self.assertEqual(len(queued), 1)
        proc = run("history", "upload", "--history", URL, str(out))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse(queued[0].exists())
        self.assertEqual(len(history("fixture_sum_array", "--repository", "fleet-down")["runs"]), 1)
        proc = run("history", "upload", "--history", URL, str(out))  # nothing left: no error
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_a_password_reaches_no_file_column_or_argv_and_the_hint_can_be_pasted(self):
        out = self.tmp / "secret"
        proc = run("run", "-o", str(out), *QUICK, "--history", URL_WITH_PASSWORD,
                   "--repository", "fleet-secret")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for name in ("results.json", "summary.md", "report.html"):
            text = (out / name).read_text()
            self.assertNotIn(PASSWORD, text, name)
        self.assertIn("postgresql://costops@/costops", (out / "results.json").read_text())
        self.assertNotIn(PASSWORD, proc.stderr + proc.stdout)
        self.assertNotIn(PASSWORD, sql("SELECT string_agg(command_line, ' ') FROM runs"))
        # Store down: the outbox file has no password, and the upload hint
        # runs as printed (libpq would take a real password from ~/.pgpass).
        down = "postgresql://costops:" + PASSWORD + "@/costops?host=" + str(self.tmp / "none")
        out = self.tmp / "secret-down"
        proc = run("run", "-o", str(out), *QUICK, "--history", down, "--repository",
                   "fleet-secret-down", "--store-timeout", "5")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertNotIn(PASSWORD, proc.stderr)
        queued = list((out / "history-outbox").glob("*.json"))
        self.assertEqual(len(queued), 1)
        self.assertNotIn(PASSWORD, queued[0].read_text())
        self.assertEqual(stat.S_IMODE(queued[0].stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE((out / "history-outbox").stat().st_mode), 0o700)
        hint = proc.stderr.split("store it later with `", 1)[1].split("`", 1)[0]
        self.assertNotIn("***", hint)
        words = shlex.split(hint)
        self.assertEqual(words[:3], ["cost-ops", "history", "upload"])
        words[words.index("--history") + 1] = URL  # the same store, now up
        pasted = run(*words[1:])
        self.assertEqual(pasted.returncode, 0, pasted.stderr)
        self.assertEqual(len(history("fixture_sum_array", "--repository",
                                     "fleet-secret-down")["runs"]), 1)

    def test_passwords_of_every_shape_reach_no_file_message_or_column(self):
        # libpq reads a URL's password up to the first '@': '?', '&', '#' and
        # spaces belong to it; a query keyword may be percent-encoded;
        # sslpassword is a secret too; a key=value value may hold "\ ".
        secrets = {
            "url-punctuation": ("Pa?ss&w#rd x", URL.replace("costops@", "costops:Pa?ss&w#rd x@", 1)),
            "encoded-keyword": ("Enc0dedPw", URL + "&pass%77ord=Enc0dedPw"),
            "sslpassword": ("KeyPassPhrase", URL + "&sslpassword=KeyPassPhrase"),
            "escaped-space": ("Spq9X Zqw8", f"host={SOCKET_DIR} dbname=costops user=costops "
                                            "password=Spq9X\\ Zqw8"),
        }
        for name, (secret, location) in secrets.items():
            with self.subTest(name):
                out = self.tmp / name
                env = dict(os.environ, PGPASSWORD="EnvPassw0rd")
                proc = run("run", "-o", str(out), *QUICK, "--history", location,
                           "--repository", "fleet-shape-" + name, env=env)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                for word in {secret, secret.split(" ")[0], "EnvPassw0rd"}:
                    self.assertNotIn(word, proc.stderr + proc.stdout)
                    for path in out.rglob("*"):
                        if path.is_file():
                            self.assertNotIn(word.encode(), path.read_bytes(), str(path))
                    self.assertNotIn(word, sql("SELECT string_agg(command_line || environment, "
                                               "' ') FROM runs"))

    def test_a_refused_or_malformed_location_never_echoes_its_password(self):
        cases = [
            # The option parser quotes the word it refuses.
            ("EchoPw12", ["history", "t", "--histroy=postgresql://u:EchoPw12@h/db"]),
            ("EchoPw34", ["run", "--store-timeout", "postgresql://u:EchoPw34@h/db"]),
            # Mistyped schemes are no file names.
            ("MalPw567", ["history", "t", "--history", "postgresql:/u:MalPw567@h/db"]),
            ("MalPw890", ["history", "t", "--history", "POSTGRES://u:MalPw890@h/db"]),
            # An unencoded '/' in the password: libpq reads host and port.
            ("Sl/ashPw9", ["history", "t", "--history",
                           "postgresql://u:Sl/ashPw9@/db?host=" + str(self.tmp / "none")]),
            # libpq quotes the token it cannot percent-decode.
            ("Bad%zzPw", ["history", "t", "--history",
                          "postgresql://u:Bad%zzPw@/db?host=" + str(self.tmp / "none")]),
        ]
        for secret, args in cases:
            with self.subTest(args[-1]):
                proc = subprocess.run([str(HOST), *args], capture_output=True, text=True,
                                      cwd=self.tmp, timeout=60)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertNotIn(secret, proc.stderr + proc.stdout)
                self.assertNotIn(secret[:5], proc.stderr + proc.stdout)
                for piece in secret.split("/"):  # as libpq quotes what it misparsed
                    self.assertNotIn('"' + piece + '"', proc.stderr + proc.stdout)
                self.assertEqual(list(self.tmp.iterdir()), [])  # no file, no directory

    def test_a_password_is_not_in_the_process_arguments(self):
        marker = self.tmp / "inside"
        # $PGPASSWORD too: `ps e` and /proc/PID/environ show the environment.
        env = dict(os.environ, COSTOPS_TEST_PAUSE_IN_INSERT=str(marker),
                   PGPASSWORD="EnvSecret-4711")
        proc = subprocess.Popen([str(HOST), "run", "-o", str(self.tmp / "argv"), *QUICK,
                                 "--history", URL_WITH_PASSWORD, "--repository", "fleet-argv"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            self.assertTrue(marker.exists())
            cmdline = pathlib.Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            self.assertIn(b"postgresql://costops@/costops", cmdline)
            self.assertNotIn(PASSWORD.encode(), cmdline)
            environ = pathlib.Path(f"/proc/{proc.pid}/environ").read_bytes()
            self.assertIn(b"COSTOPS_TEST_PAUSE_IN_INSERT", environ)
            self.assertNotIn(b"EnvSecret-4711", environ)
            if shutil.which("ps"):
                ps = subprocess.run(["ps", "eww", "-p", str(proc.pid)], capture_output=True,
                                    text=True).stdout
                self.assertNotIn("EnvSecret-4711", ps)
                self.assertNotIn(PASSWORD, ps)
        finally:
            proc.kill()
            proc.communicate()

    def test_a_key_value_connection_string_is_postgresql_never_a_file(self):
        conninfo = f"host={SOCKET_DIR} dbname=costops user=costops password={PASSWORD}"
        out = self.tmp / "conninfo"
        proc = subprocess.run([str(HOST), "run", "-o", str(out), *QUICK, "--history", conninfo,
                               "--repository", "fleet-conninfo"], capture_output=True, text=True,
                              cwd=self.tmp, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir()), ["conninfo"])
        self.assertEqual(len(history("fixture_sum_array", "--repository", "fleet-conninfo")["runs"]), 1)
        bad = run("run", "-o", str(self.tmp / "bad"), *QUICK, "--history", "hots=x dbname=y")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("looks like a PostgreSQL key=value connection string", bad.stderr)
        self.assertFalse((self.tmp / "bad").exists())  # refused before anything ran

    def test_sigterm_while_waiting_for_a_lock_cancels_and_queues_the_run(self):
        holder = subprocess.Popen([PSQL, "-X", "-q", "-At", "-d", URL], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            holder.stdin.write("BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
            holder.stdin.flush()
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            out = self.tmp / "cancelled"
            proc = subprocess.Popen([str(HOST), "run", "-o", str(out), *QUICK, "--history", URL,
                                     "--repository", "fleet-cancel", "--store-timeout", "600"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cost-ops' "
                    "AND wait_event_type = 'Lock'").strip() == "0":
                time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)  # long before the lock goes
        finally:
            holder.communicate("ROLLBACK;\n", timeout=60)
        self.assertEqual(proc.returncode, 2, err)
        self.assertIn("canceling statement due to user request", err)
        self.assertEqual(len(list((out / "history-outbox").glob("*.json"))), 1)
        self.assertTrue((out / "report.html").exists())
        self.assertEqual(history("fixture_sum_array", "--repository", "fleet-cancel")["runs"], [])

    def test_a_server_that_never_answers_costs_one_bounded_attempt_and_report_html_is_written(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        accepted = []

        def accept():
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                accepted.append(conn)  # and never answer

        threading.Thread(target=accept, daemon=True).start()
        port = listener.getsockname()[1]
        out = self.tmp / "silent"
        proc = run("run", "-o", str(out), *QUICK, "--history",
                   f"postgresql://costops@127.0.0.1:{port}/costops?sslmode=disable",
                   "--store-timeout", "2")
        listener.close()
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("cannot connect to the result store", proc.stderr)
        self.assertEqual(len(accepted), 1)  # the report did not connect again
        report = (out / "report.html").read_text()
        self.assertIn("History not shown", report)
        self.assertEqual(len(list((out / "history-outbox").glob("*.json"))), 1)

    def test_store_migrate_and_regressions_from_the_command_line(self):
        proc = run("store", "migrate", "--history", URL)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("schema version", proc.stderr)
        proc = run("history", "--regressions", "--history", URL, "--repository", "fleet-none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("no series got slower", proc.stdout)
        proc = run("history", "--regressions", "--history", URL, "--since", "last week")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--since `last week`", proc.stderr)

    def test_a_refused_login_is_a_clear_error_with_exit_2(self):
        refused = "postgresql://nobody@/costops?host=" + SOCKET_DIR
        out = self.tmp / "refused"
        proc = run("run", "-o", str(out), *QUICK, "--history", refused)
        self.assertEqual(proc.returncode, 2)
        self.assertIn('role "nobody" does not exist', proc.stderr)
        self.assertTrue((out / "results.json").exists())
        self.assertEqual(len(list((out / "history-outbox").glob("*.json"))), 1)

    def test_compare_against_a_stored_run_and_aggregate_by_repository(self):
        for name in ("repo-a", "repo-b"):
            proc = run("run", "-o", str(self.tmp / name), *QUICK[:-1], "--history", URL,
                       "--repository", "fleet-" + name, "--branch", "main")
            self.assertEqual(proc.returncode, 0, proc.stderr)
        run_id = [line for line in proc.stderr.splitlines() if "Recorded as run" in line][0].split()[3]
        same = run("compare", "run:" + run_id, str(self.tmp / "repo-b"), "--history", URL)
        self.assertEqual(same.returncode, 0, same.stderr)
        self.assertIn("no change", same.stdout)
        latest = run("compare", "run:latest", "run:" + run_id, "--history", URL,
                     "--repository", "fleet-repo-b", "--format", "json")
        self.assertEqual(latest.returncode, 0, latest.stderr)
        self.assertEqual(run("compare", "run:999999", "run:latest", "--history", URL).returncode, 2)

        out = self.tmp / "aggregate"
        proc = run("aggregate", "--history", URL, "--repository", "fleet-repo-a",
                   "--repository", "fleet-repo-b", "-o", str(out))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        merged = json.loads((out / "results.json").read_text())
        self.assertEqual([s["name"] for s in merged["sources"]], ["fleet-repo-a", "fleet-repo-b"])
        from_dirs = self.tmp / "aggregate-dirs"
        run("aggregate", str(self.tmp / "repo-a"), str(self.tmp / "repo-b"), "-o", str(from_dirs))
        by_dirs = json.loads((from_dirs / "results.json").read_text())
        self.assertEqual([t["target_id"] for t in merged["targets"]],
                         [t["target_id"] for t in by_dirs["targets"]])
        self.assertEqual(set(merged["targets"][0]["sources"]["fleet-repo-a"]),
                         set(by_dirs["targets"][0]["sources"]["repo-a"]))
        self.assertIn("| Target | fleet-repo-a | fleet-repo-b |", (out / "summary.md").read_text())
        missing = run("aggregate", "--history", URL, "--repository", "fleet-none", "-o",
                      str(self.tmp / "none"))
        self.assertEqual(missing.returncode, 2)
        self.assertIn("fleet-none", missing.stderr)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Help, shell completion and the man page come from the option definitions:
every option of every command appears in each, the scripts parse in their
shells, the man page renders without warnings, and no option shows Boost's
anonymous `arg` placeholder.

Bash completion completes values, directories and target ids (from `run
--list --json` of the --plugin-dir given); the man page has short options,
defaults, an exit status per command and every environment variable the
host's sources read.

usage: cli_docs_e2e_test.py COST_OPS CLI_DOCS_DIR SOURCE_DIR FIXTURE_DIR
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

COST_OPS = sys.argv[1]
DOCS = sys.argv[2]
SOURCE = pathlib.Path(sys.argv[3])
FIXTURES = pathlib.Path(sys.argv[4])
# Read by the tests only (a pause inside a store write), never by users.
TEST_ONLY_VARIABLES = {"COSTOPS_TEST_PAUSE_IN_INSERT"}
COMMANDS_WITH_OPTIONS = ["run", "plugins", "compare", "history", "aggregate", "store", "import"]


def cost_ops(*args):
    return subprocess.run([COST_OPS, *args], capture_output=True, text=True, timeout=60)


def long_options(help_text):
    return sorted(set(re.findall(r"--([a-z][a-z0-9-]*)", help_text)))


class CliDocs(unittest.TestCase):
    def test_help_command_is_each_commands_help(self):
        for command in COMMANDS_WITH_OPTIONS:
            via_help = cost_ops("help", command)
            direct = cost_ops(command, "--help")
            self.assertEqual(via_help.returncode, 0, command)
            self.assertEqual(via_help.stdout, direct.stdout, command)
            self.assertIn("Exit codes:", via_help.stdout, command)
        self.assertEqual(cost_ops("help", "nonsense").returncode, 2)
        self.assertIn("Exit codes:", cost_ops("--help").stdout)

    def test_a_missing_operand_or_option_is_named_not_buried_in_the_help(self):
        cases = [
            (["compare"], "compare", "name the two runs"),
            (["compare", "only-one"], "compare", "`only-one`"),
            (["compare", "a", "b", "c"], "compare", "not 3"),
            (["history"], "history", "name the TARGET"),
            (["history", "aggregator_100"], "history", "--history FILE|URL"),
            (["history", "upload", "--history", "h.db"], "history", "one run directory"),
            (["export", "run-dir"], "export", "name the format with --format: one of"),
            (["export", "run-dir", "--format", "xml"], "export", "`xml` is not one of"),
            (["export", "--format", "csv"], "export", "name the run to export"),
            (["report", "run-dir"], "report", "-o FILE"),
            (["aggregate", "-o", "out"], "aggregate", "name the run directories"),
            (["import", "nope", "x", "-o", "out"], "import", "`nope` is not a format"),
            (["import", "hyperfine", "-o", "out"], "import", "at least one file"),
            (["plugins"], "plugins", "plugins list"),
            (["store", "drop"], "store", "`drop` is not a store command"),
            (["new-plugin"], "new-plugin", "name the plugin"),
        ]
        for args, command, expected in cases:
            proc = cost_ops(*args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertEqual(proc.stdout, "", args)
            self.assertTrue(proc.stderr.startswith("error: "), (args, proc.stderr))
            self.assertIn(expected, proc.stderr, args)
            self.assertIn(f"See `cost-ops {command} --help`.", proc.stderr, args)
            self.assertNotIn("Usage:", proc.stderr, args)

    def test_every_value_has_a_named_placeholder(self):
        for command in COMMANDS_WITH_OPTIONS:
            text = cost_ops(command, "--help").stdout
            self.assertNotRegex(text, r"--[a-z-]+ arg\b", command)

    def test_completion_scripts_offer_every_option_and_parse(self):
        scripts = {"bash": "cost-ops", "zsh": "_cost-ops", "fish": "cost-ops.fish"}
        for shell, name in scripts.items():
            with open(f"{DOCS}/{name}", encoding="utf-8") as f:
                installed = f.read()
            self.assertEqual(installed, cost_ops("completion", shell).stdout, shell)
            for command in COMMANDS_WITH_OPTIONS:
                self.assertIn(command, installed, shell)
                for option in long_options(cost_ops(command, "--help").stdout):
                    # zsh and bash spell options with dashes; fish with -l NAME.
                    spelled = f"-l {option}" if shell == "fish" else f"--{option}"
                    self.assertIn(spelled, installed, f"{shell}: {command} --{option}")
            checker = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "-n"]}[shell]
            if shutil.which(checker[0]) is None:
                self.fail(f"{checker[0]} is not installed (scripts/setup.sh installs it)")
            result = subprocess.run([*checker, f"{DOCS}/{name}"], capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, f"{shell}: {result.stderr}")

    def test_bash_completion_completes_commands_and_options(self):
        script = (f"source {DOCS}/cost-ops; COMP_WORDS=(cost-ops ru); COMP_CWORD=1; _cost_ops; "
                  "echo ${COMPREPLY[@]}; COMP_WORDS=(cost-ops run --min-t); COMP_CWORD=2; "
                  "_cost_ops; echo ${COMPREPLY[@]}")
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout
        self.assertEqual(out.split("\n")[:2], ["run", "--min-time"])

    def complete(self, *words):
        """What bash completion offers for `words`, the last one being completed."""
        array = " ".join("'" + w.replace("'", "'\\''") + "'" for w in (COST_OPS, *words))
        script = (f"source {DOCS}/cost-ops; COMP_WORDS=({array}); COMP_CWORD={len(words)}; "
                  "_cost_ops; printf '%s\\n' \"${COMPREPLY[@]}\"")
        proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.stderr, "", words)
        return [line for line in proc.stdout.split("\n") if line]

    def test_bash_completion_completes_values_directories_and_target_ids(self):
        self.assertEqual(self.complete("export", "run", "--format", "g"), ["gbench-json", "github-action-benchmark"])
        self.assertEqual(self.complete("compare", "a", "b", "--format", "m"), ["markdown"])
        self.assertEqual(self.complete("run", "--isolation", ""), ["process", "none"])
        self.assertEqual(self.complete("run", "--measure", "i"), ["instructions"])
        self.assertEqual(self.complete("new-plugin", "x", "--lang", "r"), ["rust"])
        with tempfile.TemporaryDirectory() as tmp:
            (pathlib.Path(tmp) / "subdir").mkdir()
            (pathlib.Path(tmp) / "somefile").write_text("")
            self.assertEqual(self.complete("run", "-o", f"{tmp}/s"), [f"{tmp}/subdir"])
            self.assertEqual(self.complete("run", "--output", f"{tmp}/s"), [f"{tmp}/subdir"])
        good = str(FIXTURES / "good")
        listed = json.loads(cost_ops("run", "--list", "--json", "--plugin-dir", good).stdout)
        ids = sorted(t["target_id"] for t in listed)
        self.assertIn("fixture_sum_array", ids)
        self.assertEqual(sorted(self.complete("run", "--plugin-dir", good, "--targets", "")), ids)
        self.assertEqual(self.complete("run", "--plugin-dir", good, "--targets", "fixture_su"),
                         ["fixture_sum_array"])
        # After a comma: the next id, the ones typed kept.
        self.assertEqual(self.complete("run", "--plugin-dir", good, "--targets",
                                       "fixture_sum_array,fixture_su"),
                         ["fixture_sum_array,fixture_sum_array"])
        # Another plugin directory: its ids, not the first one's.
        family = str(FIXTURES / "family")
        family_ids = sorted(t["target_id"] for t in json.loads(
            cost_ops("run", "--list", "--json", "--plugin-dir", family).stdout))
        self.assertEqual(sorted(self.complete("run", "--plugin-dir", family, "--targets", "")),
                         family_ids)
        self.assertNotEqual(family_ids, ids)

    def test_man_page_has_short_options_defaults_exit_status_environment_files_examples(self):
        page = cost_ops("manpage").stdout
        self.assertIn("\\fB\\-\\-output\\fR, \\fB\\-o\\fR \\fIDIR\\fR", page)
        self.assertIn("Default: benchmarks/output.", page)
        for section in ("EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
            self.assertIn(f".SH {section}\n", page)
        exit_status = page[page.index(".SH EXIT STATUS"):page.index(".SH ENVIRONMENT")]
        for command in [*COMMANDS_WITH_OPTIONS, "export", "report", "new-plugin"]:
            self.assertIn(f".TP\n\\fB{command.replace('-', chr(92) + '-')}\\fR\n", exit_status, command)
        self.assertIn("3 a target is significantly slower", exit_status.replace("\\-", "-"))
        environment = page[page.index(".SH ENVIRONMENT"):page.index(".SH FILES")].replace("\\-", "-")
        read = set()
        for source in (SOURCE / "host").rglob("*.cpp"):
            text = source.read_text(errors="replace")
            read |= set(re.findall(r'getenv\("([A-Z_]+)"\)', text))
            for names in re.findall(r"first_of\(env, \{([^}]*)\}", text):
                read |= set(re.findall(r'"([A-Z_]+)"', names))
        read |= {"LC_ALL", "LC_CTYPE", "LANG"}  # terminal_style.cpp reads them in a loop
        self.assertGreater(len(read), 20)
        for name in sorted(read - TEST_ONLY_VARIABLES):
            self.assertRegex(environment, rf"\b{name}\b", f"{name} is read but not in the man page")

    def test_man_page_renders_cleanly_and_lists_every_option(self):
        with open(f"{DOCS}/cost-ops.1", encoding="utf-8") as f:
            page = f.read()
        result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", f"{DOCS}/cost-ops.1"],
                                capture_output=True, text=True)
        self.assertEqual(result.stderr, "")
        for command in COMMANDS_WITH_OPTIONS:
            for option in long_options(cost_ops(command, "--help").stdout):
                self.assertIn("\\-\\-" + option.replace("-", "\\-"), page, option)
        self.assertIn(".SH EXIT STATUS", page)

    def test_run_list_json(self):
        result = cost_ops("run", "--list", "--json", "--plugin-dir", "/nonexistent")
        self.assertEqual(result.returncode, 2)  # no such directory: a usage error, named
        self.assertIn("/nonexistent", result.stderr)
        self.assertEqual(cost_ops("run", "--json").returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

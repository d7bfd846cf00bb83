#!/usr/bin/env python3
"""`cost-ops new-plugin` from a third party's side: install only the SDK,
scaffold a project in each language, build it without warnings, run it in
the host (every target ok, the family's complexity fitted), and build its
package, which must depend on the versioned ABI virtual package.

usage: new_plugin_e2e_test.py COST_OPS BUILD_DIR CMAKE
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HOST, BUILD = (pathlib.Path(p).resolve() for p in sys.argv[1:3])
CMAKE = sys.argv[3]
del sys.argv[1:4]
ABI_DEPENDENCY = "cost-ops-bench-abi-1 (>= 1.1)"


def run(args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600,
                          **kwargs)


def check(args, **kwargs):
    proc = run(args, **kwargs)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def find_cargo():
    found = shutil.which("cargo")
    rustup = pathlib.Path.home() / ".cargo/bin/cargo"
    return found or (str(rustup) if rustup.exists() else None)


class NewPlugin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-new-plugin-"))
        cls.sdk = cls.tmp / "sdk"
        check([CMAKE, "--install", BUILD, "--component", "plugin-api", "--prefix", cls.sdk])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def scaffold(self, name, language):
        project = self.tmp / name
        proc = check([HOST, "new-plugin", name, "--lang", language, "--sdk", self.sdk, "-o", project])
        self.assertIn("README.md", proc.stdout)
        return project

    def run_plugins(self, plugin_dir, name):
        out = self.tmp / f"out-{name}"
        check([HOST, "run", "--plugin-dir", plugin_dir, "-o", out, "--min-time", "0.01",
               "--warmup-time", "0", "--min-samples", "3"])
        results = json.loads((out / "results.json").read_text())
        ids = sorted(t["target_id"] for t in results["targets"])
        self.assertEqual(ids, sorted([f"{name}_checksum", f"{name}_sum_1000", f"{name}_sum_10000",
                                      f"{name}_sum_100000"]))
        self.assertTrue(all(t["status"] == "ok" for t in results["targets"]), results["targets"])
        [family] = results["families"]
        self.assertEqual(family["family"], f"{name}_sum")
        self.assertIsNotNone(family["complexity"])

    def build_with_cmake(self, project):
        check([CMAKE, "-S", project, "-B", project / "build", f"-DCMAKE_PREFIX_PATH={self.sdk}"])
        build = check([CMAKE, "--build", project / "build"])
        self.assertNotIn("warning", build.stdout + build.stderr)
        return project / "build"

    def check_debian_package(self, deb):
        depends = check(["dpkg-deb", "-f", deb, "Depends"]).stdout
        self.assertIn(ABI_DEPENDENCY, depends)
        contents = check(["dpkg-deb", "-c", deb]).stdout
        self.assertIn("lib/cost-ops/plugins/", contents)

    def test_c_project_builds_runs_and_packages(self):
        build = self.build_with_cmake(self.scaffold("demo_c", "c"))
        self.run_plugins(build / "plugins", "demo_c")
        check(["cpack", "-G", "DEB"], cwd=build)
        [deb] = build.glob("*.deb")
        self.check_debian_package(deb)

    def test_cpp_project_builds_runs_and_packages(self):
        build = self.build_with_cmake(self.scaffold("demo_cpp", "cpp"))
        self.run_plugins(build / "plugins", "demo_cpp")
        check(["cpack", "-G", "DEB"], cwd=build)
        [deb] = build.glob("*.deb")
        self.check_debian_package(deb)

    def test_rust_project_builds_runs_and_packages(self):
        cargo = find_cargo()
        if cargo is None:
            self.fail("cargo is not installed (scripts/setup.sh installs it)")
        project = self.scaffold("demo_rust", "rust")
        env = {"PATH": f"{pathlib.Path(cargo).parent}:/usr/bin:/bin", "HOME": str(pathlib.Path.home())}
        check([cargo, "build", "--release", "--offline"], cwd=project, env=env)
        self.run_plugins(project / "target/release", "demo_rust")
        deb = check(["./package.sh"], cwd=project, env=env).stdout.strip().splitlines()[-1]
        self.check_debian_package(project / deb)

    def test_bad_requests_are_usage_errors(self):
        self.assertEqual(run([HOST, "new-plugin", "Bad-Name"]).returncode, 2)
        self.assertEqual(run([HOST, "new-plugin", "ok_name", "--lang", "go", "-o",
                              self.tmp / "go"]).returncode, 2)
        occupied = self.tmp / "occupied"
        occupied.mkdir()
        (occupied / "keep.txt").write_text("mine")
        proc = run([HOST, "new-plugin", "fine", "-o", occupied])
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not empty", proc.stderr)
        self.assertEqual((occupied / "keep.txt").read_text(), "mine")
        proc = run([HOST, "new-plugin", "fine", "--lang", "rust", "--sdk", self.tmp / "nowhere",
                    "-o", self.tmp / "rs"])
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--sdk", proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

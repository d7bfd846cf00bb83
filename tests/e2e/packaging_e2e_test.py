#!/usr/bin/env python3
"""Per-target packaging: cpack makes one archive and one Debian package per
component (host, plugin-api, each first-party plugin); a single target's
package installed into an empty prefix next to the host runs.

"Installed" means unpacked into an empty prefix (tar -x, dpkg-deb -x): the
test needs no root and leaves the system alone.

usage: packaging_e2e_test.py BUILD_DIR CPACK_EXECUTABLE
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = pathlib.Path(sys.argv[1]).resolve()
CPACK = sys.argv[2]
del sys.argv[1:3]

PLUGINS = ["cost_calculator", "aggregator", "forecasting", "compression", "export", "storage"]
CPACK_CONFIG = BUILD / "CPackConfig.cmake"


class Packaging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-packaging-"))
        cls.packages = cls.tmp / "packages"
        proc = subprocess.run([CPACK, "--config", str(CPACK_CONFIG), "-B", str(cls.packages)],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"cpack failed:\n{proc.stdout}\n{proc.stderr}")
        cls.archives = {p.name for p in cls.packages.glob("*.tar.gz")}
        cls.debs = {p.name for p in cls.packages.glob("*.deb")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def deb(self, package):
        matches = [self.packages / name for name in self.debs if name.startswith(package + "_")]
        self.assertEqual(len(matches), 1, f"{package}: {sorted(self.debs)}")
        return matches[0]

    def archive(self, component):
        matches = [self.packages / name for name in self.archives if name.endswith(f"-{component}.tar.gz")]
        self.assertEqual(len(matches), 1, f"{component}: {sorted(self.archives)}")
        return matches[0]

    def field(self, deb, name):
        return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                              check=True).stdout.strip()

    def contents(self, deb):
        listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
        return sorted(line.split()[-1] for line in listing.splitlines() if not line.endswith("/"))

    def test_one_archive_and_one_deb_per_component(self):
        self.assertEqual(len(self.archives), 2 + len(PLUGINS), sorted(self.archives))
        self.assertEqual(len(self.debs), 2 + len(PLUGINS), sorted(self.debs))
        for plugin in PLUGINS:
            with self.subTest(plugin=plugin):
                listing = subprocess.run(["tar", "-tzf", str(self.archive(f"plugin-{plugin}"))],
                                         capture_output=True, text=True, check=True).stdout.split()
                self.assertEqual([p for p in listing if not p.endswith("/")],
                                 [f"lib/cost-ops/plugins/{plugin}.so"])
                deb = self.deb("cost-ops-plugin-" + plugin.replace("_", "-"))
                self.assertEqual(self.contents(deb), [f"./usr/lib/cost-ops/plugins/{plugin}.so"])

    def test_plugin_packages_depend_on_the_abi_runtime_and_system_libraries_only(self):
        # Versioned, so third-party packages can depend on "cost-ops-bench-abi-1 (>= 1.1)".
        self.assertEqual(self.field(self.deb("cost-ops"), "Provides"), "cost-ops-bench-abi-1 (= 1.4)")
        for plugin in PLUGINS:
            with self.subTest(plugin=plugin):
                depends = [d.strip().split()[0]
                           for d in self.field(self.deb("cost-ops-plugin-" + plugin.replace("_", "-")),
                                               "Depends").split(",")]
                self.assertIn("cost-ops-bench-abi-1 (>= 1.4)",
                              self.field(self.deb("cost-ops-plugin-" + plugin.replace("_", "-")), "Depends"))
                # No other package of this project: not the host by name, not
                # another plugin, not the headers.
                self.assertEqual([d for d in depends if d.startswith("cost-ops")], ["cost-ops-bench-abi-1"])
        storage = self.field(self.deb("cost-ops-plugin-storage"), "Depends")
        self.assertIn("libsqlite3-0", storage)
        self.assertIn("zlib1g", self.field(self.deb("cost-ops-plugin-compression"), "Depends"))
        self.assertNotIn("zlib1g", storage)
        api = self.deb("cost-ops-plugin-api-dev")
        self.assertEqual(self.field(api, "Architecture"), "all")
        self.assertIn("./usr/share/pkgconfig/costops-plugin-api.pc", self.contents(api))

    def run_installed(self, host, out, *args):
        return subprocess.run([str(host), "run", "-o", str(out), "--warmup-time", "0", "--min-time", "0.01",
                               "--min-samples", "2", *args], capture_output=True, text=True, timeout=300,
                              cwd=self.tmp)

    def test_a_single_target_deb_installed_into_an_empty_prefix_runs(self):
        root = self.tmp / "deb-root"
        root.mkdir()
        for package in ["cost-ops", "cost-ops-plugin-aggregator"]:
            subprocess.run(["dpkg-deb", "-x", str(self.deb(package)), str(root)], check=True)
        host = root / "usr/bin/cost-ops"
        listing = subprocess.run([str(host), "plugins", "list", "--json"], capture_output=True, text=True,
                                 cwd=self.tmp, timeout=60)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        plugins = json.loads(listing.stdout)
        self.assertEqual([pathlib.Path(p["path"]).name for p in plugins], ["aggregator.so"])
        out = self.tmp / "deb-out"
        proc = self.run_installed(host, out, "--targets", "aggregator")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        results = json.loads((out / "results.json").read_text())
        self.assertEqual([(t["target_id"], t["status"]) for t in results["targets"]], [("aggregator", "ok")])
        self.assertEqual(results["targets"][0]["plugin"]["path"],
                         str(root / "usr/lib/cost-ops/plugins/aggregator.so"))

    def test_a_single_target_archive_extracted_into_an_empty_prefix_runs(self):
        prefix = self.tmp / "tgz-prefix"
        prefix.mkdir()
        for component in ["host", "plugin-storage"]:
            subprocess.run(["tar", "-xzf", str(self.archive(component)), "-C", str(prefix)], check=True)
        out = self.tmp / "tgz-out"
        proc = self.run_installed(prefix / "bin/cost-ops", out, "--targets", "storage")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        results = json.loads((out / "results.json").read_text())
        self.assertEqual([(t["target_id"], t["status"]) for t in results["targets"]], [("storage", "ok")])
        self.assertTrue((out / "raw/storage.json").is_file())


if __name__ == "__main__":
    unittest.main(verbosity=2)

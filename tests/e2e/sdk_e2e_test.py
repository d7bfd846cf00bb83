#!/usr/bin/env python3
"""The third-party plugin SDK, from the outside: install only the plugin-api
component, build examples/c-plugin against it with CMake (find_package) and
with pkg-config, build examples/rust-plugin with cargo, and run the host on
the results like any first-party target.

usage: sdk_e2e_test.py COST_OPS_BINARY BUILD_DIR SOURCE_DIR CMAKE_EXECUTABLE
"""
import json
import re
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

from e2e_support import find_cargo

HOST, BUILD, SOURCE = (pathlib.Path(p).resolve() for p in sys.argv[1:4])
CMAKE = sys.argv[4]
del sys.argv[1:5]

C_EXAMPLE = SOURCE / "examples/c-plugin"
CPP_EXAMPLE = SOURCE / "examples/cpp-plugin"
C_TARGETS = ["example_c_append_ledger", "example_c_format_usd", "example_c_price_records_100",
             "example_c_price_records_1000", "example_c_price_records_10000",
             "example_c_price_shared_t1", "example_c_price_shared_t2", "example_c_price_shared_t4",
             "example_c_sort_costs"]
RUST_EXAMPLE = SOURCE / "examples/rust-plugin"


def check(args, **kwargs):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def check_threads_and_counters(test, by_id, prefix):
    """The ABI 1.4 features an example's threaded pricing target uses: one
    target per thread count, each recording its count, and the tokens counter
    turned into a rate (the raw total is not reported)."""
    for threads in (1, 2, 4):
        target = by_id[f"{prefix}_t{threads}"]
        test.assertEqual(target["status"], "ok", target["reason"])
        metrics = target["metrics"]
        test.assertEqual(metrics.get("threads", 1), threads)
        if threads > 1:
            test.assertAlmostEqual(metrics["operations_per_second"],
                                   threads * metrics["operations_per_second_per_thread"],
                                   delta=1e-9 * metrics["operations_per_second"])
        test.assertGreater(metrics["tokens_per_second"], 0)
        test.assertNotIn("tokens", metrics)


def exported_symbols(library):
    out = check(["nm", "-D", "--defined-only", library]).stdout
    return sorted(line.split()[-1] for line in out.splitlines() if line.strip())


class PluginSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="costops-sdk-"))
        cls.sdk = cls.tmp / "sdk"
        check([CMAKE, "--install", BUILD, "--component", "plugin-api", "--prefix", cls.sdk])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def build_c_example_with_cmake(self, build_dir):
        check([CMAKE, "-S", C_EXAMPLE, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
               f"-DCMAKE_PREFIX_PATH={self.sdk}", "-DCMAKE_C_FLAGS=-Werror"])
        check([CMAKE, "--build", build_dir])
        return build_dir / "plugins/example_c_plugin.so"

    def run_host(self, out, *plugin_dirs):
        args = [HOST, "run", "-o", out, "--warmup-time", "0", "--min-time", "0.01", "--min-samples", "3"]
        for directory in plugin_dirs:
            args += ["--plugin-dir", directory]
        proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads((out / "results.json").read_text()), proc

    def test_the_plugin_api_component_holds_only_the_sdk(self):
        files = sorted(str(p.relative_to(self.sdk)) for p in self.sdk.rglob("*") if p.is_file())
        self.assertIn("include/costops/bench_target_v1.h", files)
        self.assertIn("share/cmake/CostOpsPluginAPI/CostOpsPluginAPIConfig.cmake", files)
        self.assertIn("share/pkgconfig/costops-plugin-api.pc", files)
        # Everything docs/plugin-authors.md cites ships with the SDK.
        for cited in ["share/doc/cost-ops-plugin-api-dev/plugin-authors.md",
                      "share/cost-ops/rust/costops-bench/Cargo.toml",
                      "share/cost-ops/rust/costops-bench/src/lib.rs",
                      "share/cost-ops/rust/costops-bench/src/abi.rs",
                      "share/cost-ops/examples/c-plugin/token_pricing_plugin.c",
                      "share/cost-ops/examples/cpp-plugin/token_totals_plugin.cpp",
                      "share/cost-ops/examples/rust-plugin/src/lib.rs"]:
            self.assertIn(cited, files)
        guide = (self.sdk / "share/doc/cost-ops-plugin-api-dev/plugin-authors.md").read_text()
        for path in re.findall(r"`((?:include|share)/[^`* ]+)`", guide):
            self.assertTrue((self.sdk / path).exists(), f"plugin-authors.md cites {path}, not installed")
        for link in re.findall(r"\]\(([a-z_-]+\.md)\)", guide):  # links to sibling documents
            self.assertTrue((self.sdk / "share/doc/cost-ops-plugin-api-dev" / link).exists(), link)
        self.assertFalse([f for f in files if f.startswith("bin/") or f.endswith(".so")], files)

    def test_c_example_built_with_the_cmake_package_runs_in_the_host(self):
        plugin = self.build_c_example_with_cmake(self.tmp / "c-build")
        # costops_add_bench_plugin: no lib prefix, one exported symbol.
        self.assertEqual(exported_symbols(plugin), ["bench_target_v1_entry"])
        checked = check([HOST, "plugins", "check", plugin])
        self.assertIn("example-c-token-pricing 3.0.0", checked.stdout)

        results, proc = self.run_host(self.tmp / "c-out", plugin.parent)
        by_id = {t["target_id"]: t for t in results["targets"]}
        self.assertEqual(sorted(by_id), C_TARGETS)
        for target in by_id.values():
            self.assertEqual(target["status"], "ok", target["reason"])
            self.assertEqual(target["plugin"]["version"], "3.0.0")
            self.assertIn("optimized", target["plugin"]["build_info"])
            self.assertTrue((self.tmp / "c-out/raw" / f"{target['target_id']}.json").is_file())
        for n in (100, 1000, 10000):  # each member set up with its own argument
            price = by_id[f"example_c_price_records_{n}"]["metrics"]
            self.assertEqual(price["records_per_operation"], n)
            self.assertEqual(price["items_per_operation"], n)
        self.assertGreater(by_id["example_c_format_usd"]["metrics"]["items_per_second"], 0)
        check_threads_and_counters(self, by_id, "example_c_price_shared")
        self.assertGreater(by_id["example_c_price_records_100"]["metrics"]["tokens_per_second"], 0)
        # The I/O target says so; its reset() (a fresh file per batch) and the
        # sort's paused clock ran without failing the target.
        self.assertEqual(by_id["example_c_append_ledger"]["flags"], ["does_io"])
        self.assertEqual(by_id["example_c_sort_costs"]["flags"], [])
        summary = (self.tmp / "c-out/summary.md").read_text()
        self.assertIn("example_c_price_records_1000", summary)
        # The thread range gets its scaling table: one row per count.
        scaling = summary[summary.index("## Thread scaling"):]
        scaling = scaling[scaling.index("### example_c_price_shared\n"):]
        for threads in (1, 2, 4):
            self.assertRegex(scaling, rf"\n\| {threads} \| [^|]+ \| [^|]+ \| \d+% \|\n")
        self.assertIn("example_c_price_records_1000", proc.stderr)  # progress line

    def test_cpp_example_builds_optimised_without_a_build_type_and_runs(self):
        build_dir = self.tmp / "cpp-build"
        # No CMAKE_BUILD_TYPE: costops_add_bench_plugin must still optimise.
        check([CMAKE, "-S", CPP_EXAMPLE, "-B", build_dir, f"-DCMAKE_PREFIX_PATH={self.sdk}",
               "-DCMAKE_CXX_FLAGS=-Werror"])
        check([CMAKE, "--build", build_dir])
        plugin = build_dir / "plugins/example_cpp_plugin.so"
        self.assertEqual(exported_symbols(plugin), ["bench_target_v1_entry"])
        results, proc = self.run_host(self.tmp / "cpp-out", plugin.parent)
        by_id = {t["target_id"]: t for t in results["targets"]}
        self.assertEqual(sorted(by_id), ["example_cpp_bill_1000_1000", "example_cpp_bill_1000_10000",
                                         "example_cpp_bill_10_1000", "example_cpp_bill_10_10000",
                                         "example_cpp_cheapest_model", "example_cpp_dedupe_requests",
                                         "example_cpp_price_lookup_t1", "example_cpp_price_lookup_t2",
                                         "example_cpp_price_lookup_t4", "example_cpp_sort_costs",
                                         "example_cpp_total_tokens_1000",
                                         "example_cpp_total_tokens_10000", "example_cpp_total_tokens_100000"])
        for target in by_id.values():
            self.assertEqual(target["status"], "ok", target["reason"])
            self.assertIn("optimized", target["plugin"]["build_info"])
            self.assertNotIn("unoptimized", target["plugin"]["build_info"])
        self.assertEqual(by_id["example_cpp_total_tokens_10000"]["metrics"]["items_per_operation"], 10000)
        self.assertEqual(by_id["example_cpp_cheapest_model"]["metrics"]["models_compared"], 4)
        # The product family: each member set up with both of its parameters.
        self.assertEqual(by_id["example_cpp_bill_10_10000"]["metrics"]["items_per_operation"], 10000)
        bills = by_id["example_cpp_bill_1000_1000"]["metrics"]
        if "allocations_per_op" in bills:  # not counted under AddressSanitizer
            self.assertGreaterEqual(bills["allocations_per_op"], 1000)  # a map node per customer
        # Threads and counters: 7 of every 8 lookups hit, exactly, on any count.
        for threads in (1, 2, 4):
            lookup = by_id[f"example_cpp_price_lookup_t{threads}"]["metrics"]
            self.assertEqual(lookup.get("threads", 1), threads)
            self.assertAlmostEqual(lookup["hits_per_op"], 56, delta=1e-9)
            self.assertGreater(lookup["lookups_per_second"], 0)

    def test_a_debug_build_says_unoptimized_in_its_build_info(self):
        build_dir = self.tmp / "cpp-debug"
        check([CMAKE, "-S", CPP_EXAMPLE, "-B", build_dir, f"-DCMAKE_PREFIX_PATH={self.sdk}",
               "-DCMAKE_BUILD_TYPE=Debug"])
        check([CMAKE, "--build", build_dir])
        listing = json.loads(check([HOST, "plugins", "list", "--json", "--plugin-dir",
                                    build_dir / "plugins"]).stdout)
        self.assertEqual(listing[0]["build_info"].split(", ")[1:], ["Debug", "unoptimized (-O0)"])

    def test_the_cmake_package_refuses_another_abi_major(self):
        project = self.tmp / "wants-v2"
        project.mkdir()
        (project / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.16)\nproject(wants_v2 LANGUAGES C)\n"
            "find_package(CostOpsPluginAPI 2.0 CONFIG REQUIRED)\n")
        proc = subprocess.run([CMAKE, "-S", str(project), "-B", str(project / "build"),
                               f"-DCMAKE_PREFIX_PATH={self.sdk}"], capture_output=True, text=True, timeout=120)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("CostOpsPluginAPI", proc.stderr)
        self.assertIn("1.4", proc.stderr)  # the version it found

    def test_c_example_built_with_pkg_config_runs_in_the_host(self):
        env = dict(os.environ, PKG_CONFIG_PATH=str(self.sdk / "share/pkgconfig"))

        def pkg_config(*args):
            return check(["pkg-config", *args, "costops-plugin-api"], env=env).stdout.split()

        self.assertEqual(pkg_config("--modversion"), ["1.4"])
        out_dir = self.tmp / "pc-plugins"
        out_dir.mkdir()
        library = out_dir / "example_c_pkgconfig.so"
        check(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror",
               *pkg_config("--cflags"), *pkg_config("--variable=plugin_cflags"),
               C_EXAMPLE / "token_pricing_plugin.c", "-o", library, *pkg_config("--variable=plugin_ldflags")])
        self.assertEqual(exported_symbols(library), ["bench_target_v1_entry"])
        results, _ = self.run_host(self.tmp / "pc-out", out_dir)
        self.assertEqual(sorted((t["target_id"], t["status"]) for t in results["targets"]),
                         [(target_id, "ok") for target_id in C_TARGETS])

    def test_rust_kit_and_example_build_from_the_installed_sdk(self):
        cargo = find_cargo()
        if cargo is None:
            self.skipTest("cargo is not installed (scripts/setup.sh installs it)")
        target_dir = self.tmp / "rust-target"
        kit = self.sdk / "share/cost-ops/rust/costops-bench"
        check([cargo, "test", "--offline", "--quiet", "--manifest-path", kit / "Cargo.toml",
               "--target-dir", target_dir])
        # The installed example's path dependency is the installed kit.
        example = self.sdk / "share/cost-ops/examples/rust-plugin"
        self.assertIn('path = "../../rust/costops-bench"', (example / "Cargo.toml").read_text())
        check([cargo, "build", "--release", "--offline", "--quiet", "--manifest-path", example / "Cargo.toml",
               "--target-dir", target_dir])
        rust_plugins = self.tmp / "rust-plugins"
        rust_plugins.mkdir()
        shutil.copy(target_dir / "release/libexample_rust_plugin.so", rust_plugins / "example_rust_plugin.so")
        self.assertEqual(exported_symbols(rust_plugins / "example_rust_plugin.so"), ["bench_target_v1_entry"])

        c_plugin = self.build_c_example_with_cmake(self.tmp / "c-build-for-rust")
        results, _ = self.run_host(self.tmp / "rust-out", rust_plugins, c_plugin.parent)
        by_id = {t["target_id"]: t for t in results["targets"]}
        rust = by_id["example_rust_price_records"]
        self.assertEqual(rust["status"], "ok", rust["reason"])
        self.assertEqual(rust["plugin"]["name"], "example-rust-token-pricing")
        self.assertEqual(rust["plugin"]["version"], "0.5.0")
        self.assertEqual(rust["plugin"]["build_info"], "rustc, cargo release profile, optimized")
        self.assertEqual(rust["metrics"]["records_per_operation"], 1000)
        self.assertEqual(rust["metrics"]["language"], "rust")
        for n in (1000, 10000, 100000):
            member = by_id[f"example_rust_total_tokens_{n}"]
            self.assertEqual(member["status"], "ok", member["reason"])
            self.assertEqual(member["metrics"]["items_per_operation"], n)
        check_threads_and_counters(self, by_id, "example_rust_price_shared")
        for target_id in ("example_rust_sort_costs", "example_rust_append_ledger"):
            self.assertEqual(by_id[target_id]["status"], "ok", by_id[target_id]["reason"])
        self.assertEqual(by_id["example_rust_append_ledger"]["flags"], ["does_io"])
        self.assertEqual(by_id["example_c_price_records_1000"]["status"], "ok")
        summary = (self.tmp / "rust-out/summary.md").read_text()
        self.assertIn("example_rust_price_records", summary)


if __name__ == "__main__":
    unittest.main(verbosity=2)

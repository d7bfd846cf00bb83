#!/usr/bin/env bash
# Installs every system package cost-ops needs to build, run and test, on
# Debian 12. Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  # Boost 1.81: the 1.81 -dev packages, never libboost-all-dev (1.74 conflicts
  # and lacks Boost.JSON). libboost1.81-dev brings the header-only parts:
  # DLL, Multiprecision, Math.
  libboost1.81-dev libboost-json1.81-dev libboost-log1.81-dev libboost-program-options1.81-dev
  libsqlite3-dev sqlite3 zlib1g-dev
  # The shared result store on PostgreSQL (--history postgresql://...): libpq
  # to build the host; the server (initdb, pg_ctl) for the tests, which start
  # a throwaway cluster of their own (scripts/with-test-postgres.sh).
  libpq-dev postgresql
  # The worker sandbox's system call filter (seccomp) is compiled with libseccomp.
  libseccomp-dev
  doctest-dev
  # End-to-end tests validate output files against the JSON Schemas.
  python3 python3-jsonschema
  # The libFuzzer test (clang's fuzzer runtime) and the harness accuracy
  # check against Google Benchmark.
  clang libclang-rt-14-dev libbenchmark-dev
  # Used by tests: nm (binutils) and pgrep (procps).
  binutils procps
  # The test of the generated shell completion parses it in each shell and
  # renders the man page.
  zsh fish groff-base
  # The export test: Google Benchmark's compare.py (with numpy; scipy cannot sit
  # beside Boost 1.81) and xmllint for the JUnit schema.
  libbenchmark-tools python3-numpy libxml2-utils
  # `cost-ops import` is tested on the real tools' output: hyperfine,
  # pytest-benchmark and Criterion.rs (built offline from Debian's crate
  # registry; libbenchmark-dev above is the Google Benchmark side).
  hyperfine python3-pytest-benchmark librust-criterion-dev
  # --measure instructions runs workers under callgrind; the worker includes
  # <valgrind/callgrind.h> (the package ships the headers).
  valgrind
  # The HTML report inlines Chart.js at build time (configure fails without
  # it); its test opens the report in headless Chromium.
  libjs-chart.js chromium
  # Packaging: cpack's per-target Debian packages (dpkg-shlibdeps computes
  # their library dependencies) and their test.
  dpkg-dev file
)

# The Rust example plugin's test needs cargo: use one that is already there
# (rustup's in ~/.cargo/bin, say), else Debian's.
if ! command -v cargo >/dev/null 2>&1 && [ ! -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
  packages+=(cargo)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env python3
"""Calibrates the regression gate on this machine, now.

Runs the gating workflows of docs/comparison.md many times on the fixed-work
fixture (benchmarks/calibration_fixture.c, built at +0/1/2/3/5/10/30% work
into BUILD/benchmarks/calibration/work_<percent>/) and prints, per mode:
  - A/A: the same build against itself; the share of target comparisons with
    a verdict (slower or faster: false alarms) and of gate exits (exit 3);
  - +N%: the share of target comparisons found `slower` (detection);
  - the wall time of one trial (both sides, all targets) and, for paired,
    the median measurement time per target.
Modes:
  default  two `cost-ops run` with default settings, then `cost-ops compare`
  rounds5  the same with --rounds 5 on both sides
  ab       one `cost-ops run --ab-baseline-plugin-dir OLD --rounds 20
           --min-time 0.05 --warmup-time 0.02 --threshold 3 --alpha 0.01` (the
           process-level gating workflow)
  paired   one `cost-ops run --ab-baseline-plugin-dir OLD --ab-paired` with
           PAIRED_ARGS below (the documented gating workflow): both builds in
           each worker, workers added until decided; the A/A trials compare
           the 0% build with a copy of itself
--neighbour runs benchmarks/noisy_neighbour.py (about half of every core in
random bursts) for the whole calibration: the "noisy" condition.
Wrap timing runs in `flock /tmp/costops-timing.lock`.
usage: benchmarks/gate_calibration.py [--build DIR] [--aa N] [--trials N]
       [--effects 1,2,5,10] [--modes paired,ab,default,rounds5] [--neighbour]
       [--paired-args "..."]
"""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

AB_ARGS = ["--rounds", "20", "--min-time", "0.05", "--warmup-time", "0.02"]
AB_GATE = ["--threshold", "3", "--alpha", "0.01"]
PAIRED_ARGS = ("--ab-paired --min-time 0.1 --warmup-time 0.02 --threshold 0.5 --alpha 0.01 "
               "--ab-max-time 2 --ab-max-processes 10")


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).returncode


def verdicts(host, base, new, extra=()):
    out = subprocess.run([host, "compare", base, new, "--format", "json", "--fail-on", "none",
                          *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True)
    return [t["verdict"] for t in json.loads(out.stdout)["targets"]]


def trial(host, calib, mode, old, new, scratch, paired_args, target_seconds):
    """One gating decision; returns (exit code of the gate, verdicts)."""
    old_dir, new_dir = f"{calib}/work_{old}", f"{calib}/work_{new}"
    base_out, new_out = f"{scratch}/base", f"{scratch}/new"
    if mode == "paired":
        code = run([host, "run", "-q", "--plugin-dir", new_dir, "--ab-baseline-plugin-dir", old_dir,
                    "-o", new_out, "--no-report"] + paired_args)
        with open(f"{new_out}/results.json", encoding="utf-8") as f:
            block = json.load(f)["ab_paired"]
        target_seconds.extend(t["seconds"] for t in block["targets"])
        return code, [t["verdict"] for t in block["targets"]]
    if mode == "ab":
        code = run([host, "run", "-q", "--plugin-dir", new_dir, "--ab-baseline-plugin-dir", old_dir,
                    "-o", new_out] + AB_ARGS + AB_GATE)
        return code, verdicts(host, f"{new_out}/ab-baseline", new_out, AB_GATE)
    extra = ["--rounds", "5"] if mode == "rounds5" else []
    run([host, "run", "-q", "--plugin-dir", old_dir, "-o", base_out] + extra)
    run([host, "run", "-q", "--plugin-dir", new_dir, "-o", new_out] + extra)
    code = run([host, "compare", base_out, new_out])
    return code, verdicts(host, base_out, new_out)


def main():
    parser = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--build", default=f"{root}/build")
    parser.add_argument("--aa", type=int, default=10, help="A/A trials per mode")
    parser.add_argument("--trials", type=int, default=5, help="trials per effect size and mode")
    parser.add_argument("--effects", default="1,2,5,10")
    parser.add_argument("--modes", default="paired,ab")
    parser.add_argument("--neighbour", action="store_true",
                        help="run benchmarks/noisy_neighbour.py throughout")
    parser.add_argument("--paired-args", default=PAIRED_ARGS)
    args = parser.parse_args()
    paired_args = shlex.split(args.paired_args)
    host = f"{args.build}/bin/cost-ops"
    calib = f"{args.build}/benchmarks/calibration"
    effects = [int(e) for e in args.effects.split(",")]
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"{args.aa} A/A trials and {args.trials} trials per effect, 3 targets each; "
          f"neighbour {'on' if args.neighbour else 'off'}; paired: {args.paired_args}")
    neighbour = None
    if args.neighbour:
        neighbour = subprocess.Popen([sys.executable, f"{root}/benchmarks/noisy_neighbour.py"],
                                     start_new_session=True)
    try:
        calibrate(args, host, calib, effects, paired_args)
    finally:
        if neighbour is not None:
            os.killpg(neighbour.pid, signal.SIGTERM)
            neighbour.wait()
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def calibrate(args, host, calib, effects, paired_args):
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            alarms = comparisons = gate_exits = 0
            seconds, target_seconds = [], []
            for _ in range(args.aa):
                start = time.monotonic()
                code, found = trial(host, calib, mode, 0, 0, scratch, paired_args,
                                    target_seconds)
                seconds.append(time.monotonic() - start)
                comparisons += len(found)
                alarms += sum(v in ("slower", "faster") for v in found)
                gate_exits += code == 3
            line = (f"{mode:8s} A/A false alarms {alarms}/{comparisons} comparisons "
                    f"({100 * alarms / max(1, comparisons):.0f}%), gate exit 3 in "
                    f"{gate_exits}/{args.aa} ({100 * gate_exits / max(1, args.aa):.0f}%)")
            for effect in effects:
                found_slower = total = 0
                for _ in range(args.trials):
                    start = time.monotonic()
                    _, found = trial(host, calib, mode, 0, effect, scratch, paired_args,
                                        target_seconds)
                    seconds.append(time.monotonic() - start)
                    total += len(found)
                    found_slower += sum(v == "slower" for v in found)
                line += (f"; +{effect}% detected {found_slower}/{total} "
                         f"({100 * found_slower / max(1, total):.0f}%)")
            seconds.sort()
            line += f"; {seconds[len(seconds) // 2]:.1f} s per trial (median)"
            if target_seconds:
                target_seconds.sort()
                line += (f"; per target {target_seconds[len(target_seconds) // 2]:.2f} s median, "
                         f"{target_seconds[int(0.9 * (len(target_seconds) - 1))]:.2f} s p90")
            print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())

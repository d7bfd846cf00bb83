#!/usr/bin/env python3
"""Does a storage target's figure depend on the run's length?

Runs TARGET from each plugin directory at --min-time SHORT and LONG,
interleaved (for each trial: every directory at SHORT, then at LONG, each in
a fresh host process), and prints per directory and min-time the median of
the per-run medians, the median Spearman rho of sample index against time per
operation within a run (a database that grows during the run gives rho > 0),
and the LONG/SHORT ratio of medians per trial. Wraps every run in the shared
timing lock (/tmp/costops-timing.lock).

usage: benchmarks/storage_trend.py HOST LABEL=PLUGIN_DIR... [--target ID]
       [--trials N] [--short S] [--long S]
e.g.   benchmarks/storage_trend.py build/bin/cost-ops before=/tmp/old after=build/plugins
"""
import argparse
import json
import statistics
import subprocess
import tempfile


def ranks(values):
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return result


def spearman(xs, ys):
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    norm = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / norm if norm else 0.0


def measure(host, plugin_dir, target, min_time):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["flock", "/tmp/costops-timing.lock", host, "run", "--plugin-dir", plugin_dir,
                        "-o", out, "--quiet", "--no-summary", "--targets", target,
                        "--min-time", str(min_time)], check=True, capture_output=True)
        result = json.load(open(f"{out}/results.json"))["targets"][0]
    samples = result["samples"]
    per_op = [e / i for e, i in zip(samples["elapsed_ns"], samples["iterations"])]
    return result["statistics"]["median_ns"], spearman(list(range(len(per_op))), per_op), len(per_op)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("dirs", nargs="+", metavar="LABEL=PLUGIN_DIR")
    parser.add_argument("--target", default="storage_batch_1000")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--short", type=float, default=0.5)
    parser.add_argument("--long", type=float, default=2.0)
    args = parser.parse_args()
    dirs = [d.split("=", 1) for d in args.dirs]
    runs = {(label, t): [] for label, _ in dirs for t in (args.short, args.long)}
    for _ in range(args.trials):
        for label, path in dirs:
            for min_time in (args.short, args.long):
                runs[(label, min_time)].append(measure(args.host, path, args.target, min_time))
    print(f"{args.target}, {args.trials} interleaved trials")
    print(f"{'build':10} {'min-time':>8} {'median ms':>10} {'samples':>8} {'rho':>6}")
    for label, _ in dirs:
        for min_time in (args.short, args.long):
            medians, rhos, counts = zip(*runs[(label, min_time)])
            print(f"{label:10} {min_time:8.1f} {statistics.median(medians) / 1e6:10.3f} "
                  f"{statistics.median(counts):8.0f} {statistics.median(rhos):6.2f}")
        ratios = [long[0] / short[0] for short, long in zip(runs[(label, args.short)], runs[(label, args.long)])]
        print(f"{label:10} median of per-trial ratios {args.long:g} s / {args.short:g} s: "
              f"{statistics.median(ratios):.3f} (each: {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A synthetic noisy neighbour for benchmarks/gate_calibration.py.

Starts one process per CPU; each alternates a busy burst and a sleep, both of
random length (exponentially distributed, mean --burst-ms, 10 ms by
default), so it takes about half of every core in random bursts -- the shape
of a shared CI runner's neighbours, whose compiles and tests come and go.
Runs until killed (SIGTERM or SIGINT stops the whole group).
usage: benchmarks/noisy_neighbour.py [--burst-ms MS] [--seconds S]
"""
import argparse
import os
import random
import signal
import sys
import time


def burn(mean_seconds, deadline):
    rng = random.Random(os.getpid())
    while deadline is None or time.monotonic() < deadline:
        end = time.monotonic() + rng.expovariate(1 / mean_seconds)
        while time.monotonic() < end:
            pass
        time.sleep(rng.expovariate(1 / mean_seconds))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst-ms", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long")
    args = parser.parse_args()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    children = []
    for _ in range(os.cpu_count() or 1):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            burn(args.burst_ms / 1000, deadline)
            os._exit(0)
        children.append(pid)

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *a: (stop(), sys.exit(0)))
    for pid in children:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()

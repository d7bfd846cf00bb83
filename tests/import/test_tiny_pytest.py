"""A tiny pytest-benchmark suite for the import tests; COSTOPS_TINY_SLOWDOWN
multiplies the work (the deliberately slowed build)."""
import os

import pytest

SLOWDOWN = int(os.environ.get("COSTOPS_TINY_SLOWDOWN", "1"))


def total(n):
    return sum(range(n * SLOWDOWN))


@pytest.mark.parametrize("n", [2000])
def test_total(benchmark, n):
    benchmark(total, n)

"""A tiny pytest-benchmark suite for the import tests (their slower build is
its output with every time scaled: import_e2e_test.py)."""
import pytest


def total(n):
    return sum(range(n))


@pytest.mark.parametrize("n", [2000])
def test_total(benchmark, n):
    benchmark(total, n)

"""Helpers shared by the end-to-end tests: schema validation of the files
the host writes, finding cargo, and the scipy stand-in for compare.py."""
import json
import pathlib
import shutil

import jsonschema
from jsonschema import Draft202012Validator


def find_cargo():
    """cargo on the PATH, else rustup's in ~/.cargo/bin; None when neither."""
    found = shutil.which("cargo")
    if found:
        return found
    rustup = pathlib.Path.home() / ".cargo/bin/cargo"
    return str(rustup) if rustup.exists() else None


def results_validator(schemas_dir):
    """A validator of results.json that resolves the schemas' references to
    each other from `schemas_dir`, offline."""
    schemas = {p.name: json.loads(p.read_text()) for p in pathlib.Path(schemas_dir).glob("*.schema.json")}
    store = {s["$id"]: s for s in schemas.values()} | schemas
    results = schemas["results.schema.json"]
    resolver = jsonschema.RefResolver(base_uri=results["$id"], referrer=results, store=store)
    return Draft202012Validator(results, resolver=resolver)


# compare.py imports scipy.stats (mannwhitneyu, gmean); Debian's python3-scipy
# cannot be installed beside Boost 1.81, so the tests give it this minimal
# module of the two functions (PYTHONPATH=<dir>/ holding scipy/stats.py).
SCIPY_SHIM = '''
import math
from types import SimpleNamespace
def gmean(rows):
    import numpy
    return numpy.exp(numpy.mean(numpy.log(numpy.array(rows, dtype=float)), axis=0))
def mannwhitneyu(a, b, alternative="two-sided"):
    values = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks, i = {}, 0
    rank_sum_a, ties = 0.0, 0.0
    while i < len(values):
        j = i
        while j < len(values) and values[j][0] == values[i][0]:
            j += 1
        rank = (i + j + 1) / 2
        ties += (j - i) ** 3 - (j - i)
        rank_sum_a += sum(rank for k in range(i, j) if values[k][1] == 0)
        i = j
    n1, n2 = len(a), len(b)
    u = rank_sum_a - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    z = (abs(u - n1 * n2 / 2) - 0.5) / math.sqrt(var) if var > 0 else 0
    return SimpleNamespace(statistic=u, pvalue=min(1.0, math.erfc(max(z, 0) / math.sqrt(2))))
'''

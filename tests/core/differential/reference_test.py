#!/usr/bin/env python3
"""Differential test of costops-core against independent Python references.

Python's decimal, sqlite3, gzip/zlib, csv, json and random compute what
costops-core's documentation says it computes; core_reference_driver answers
the same questions through the library. Inputs are random with a fixed seed
plus the edge cases of issue 26; every answer (including a refusal, by its
kind) must agree. Prints the case counts and the prediction intervals'
coverage. usage: reference_test.py DRIVER [--seed N] [--scale F]
"""
import argparse
import csv
import gzip
import io
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from decimal import ROUND_HALF_EVEN, Decimal, getcontext


getcontext().prec = 100
MAX = Decimal("340282366920938463463.374607431768211455")
ONE_UNIT = Decimal("1e-18")
failures = []
counts = {}


def check(area, condition, message):
    counts[area] = counts.get(area, 0) + 1
    if not condition:
        failures.append(f"{area}: {message}")


class Driver:
    """Runs every request through one driver process, in one batch."""

    def __init__(self, path):
        self.path = path
        self.requests = []

    def ask(self, request):
        self.requests.append(request)

    def run(self):
        text = "".join(json.dumps(r) + "\n" for r in self.requests)
        out = subprocess.run([self.path], input=text, capture_output=True, text=True, check=True)
        replies = [json.loads(line) for line in out.stdout.splitlines()]
        assert len(replies) == len(self.requests), "the driver answered fewer requests"
        self.requests = []
        return replies


def dec(text):
    return Decimal(text)


def spell(value):
    """The library's shortest exact spelling of a Decimal."""
    value = value.quantize(ONE_UNIT) if value != value.to_integral_value() else value
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------- decimals
def decimal_cases(rng, driver, n):
    cases = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.7:
            integer = str(rng.randrange(0, 10 ** rng.randint(1, 21)))
            fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 18)))
            text = ("-" if rng.random() < 0.3 else "") + integer + ("." + fraction if fraction else "")
        elif kind < 0.85:  # at and beyond the edge of the range
            delta = rng.choice([0, 1, -1, 10 ** 18])
            text = str((MAX * 10 ** 18 + delta) / Decimal(10 ** 18))
            text = ("-" if rng.random() < 0.5 else "") + text
        else:
            text = rng.choice(["", "-", ".", "1e5", "1,000", "0." + "0" * 18 + "1", "12.3.4",
                               "100000000000000000000", "+7.50", "0" * 30 + "1"])
        cases.append(text)
        driver.ask({"op": "decimal", "text": text})
    for text, reply in zip(cases, driver.run()):
        try:
            value = Decimal(text) if text and "," not in text and "e" not in text.lower() else None
            if value is not None and not value.is_finite():
                value = None
        except Exception:
            value = None
        if value is not None and (value != value.quantize(ONE_UNIT) or abs(value) > MAX):
            value = None  # more than 18 places, or beyond the range: refused
        if value is None:
            check("decimal", reply.get("error") == "DecimalError", f"{text!r} not refused: {reply}")
        else:
            check("decimal", reply.get("value") == spell(value), f"{text!r}: {reply} vs {spell(value)}")
            fixed = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            if abs(fixed) <= MAX:
                check("decimal", reply.get("fixed2") == format(fixed, "f").replace("-0.00", "0.00"),
                      f"{text!r} fixed(2): {reply} vs {fixed}")


# ---------------------------------------------------------------- pricing
def random_rate(rng):
    if rng.random() < 0.02:
        return "-" + str(rng.randint(1, 9))  # refused: negative
    if rng.random() < 0.02:
        return "0." + "0" * 12 + "1"  # refused: 13 decimals per million
    return str(Decimal(rng.randint(0, 10 ** 7)) / Decimal(10 ** rng.randint(0, 6)))


def random_rates(rng):
    r = {"input_per_million": random_rate(rng), "output_per_million": random_rate(rng)}
    for key in ("cache_read_per_million", "cache_write_per_million", "reasoning_per_million"):
        if rng.random() < 0.5:
            r[key] = random_rate(rng)
    return r


def random_pricing(rng):
    kind = rng.choice(["per_token", "per_token", "discount", "tiered", "per_request"])
    if kind == "per_token":
        return dict(random_rates(rng), type="per_token")
    if kind == "discount":
        return {"type": "per_token", "input_per_million": random_rate(rng),
                "output_per_million": random_rate(rng),
                "cached_input_discount": str(Decimal(rng.randint(0, 110)) / 100)}
    if kind == "tiered":
        thresholds = sorted(rng.sample(range(1, 400_000), rng.randint(0, 3)))
        if rng.random() < 0.05 and thresholds:
            thresholds.append(thresholds[-1])  # refused: not ascending
        return {"type": "tiered", "base": random_rates(rng),
                "tiers": [dict(random_rates(rng), input_tokens_threshold=t) for t in thresholds],
                "threshold": rng.choice(["inclusive", "exclusive"])}
    return {"type": "per_request", "price_per_request": random_rate(rng),
            "included_tokens": rng.choice([0, 1, 1000, 2000, 10 ** 6]),
            "overage_per_million": random_rate(rng)}


class Refused(Exception):
    pass


def per_token(rate):
    rate = dec(rate)
    # Negative, more than 12 places, or above 2^63 - 1 units of 10^-18 per
    # token (9,223,372.036854775807 per million): refused, as documented.
    if rate < 0 or rate != rate.quantize(Decimal("1e-12")) or rate * 10 ** 12 > 2 ** 63 - 1:
        raise Refused()
    return rate / 1_000_000


def reference_price(pricing, tokens):
    """The documented formula, in exact Python decimals."""
    prompt, completion, cache_read, cache_write, reasoning = tokens

    def rates(r):
        table = {"input": per_token(r["input_per_million"]), "output": per_token(r["output_per_million"])}
        table["cache_read"] = per_token(r["cache_read_per_million"]) if "cache_read_per_million" in r else table["input"]
        table["cache_write"] = per_token(r["cache_write_per_million"]) if "cache_write_per_million" in r else table["input"]
        table["reasoning"] = per_token(r["reasoning_per_million"]) if "reasoning_per_million" in r else table["output"]
        return table

    fee = Decimal(0)
    buckets = [prompt - cache_read - cache_write, cache_read, cache_write, completion - reasoning, reasoning]
    kind = pricing["type"]
    if kind == "per_token" and "cached_input_discount" in pricing:
        discount = dec(pricing["cached_input_discount"])
        if discount < 0 or discount > 1:
            raise Refused()
        r = {"input_per_million": pricing["input_per_million"], "output_per_million": pricing["output_per_million"],
             "cache_read_per_million": str(dec(pricing["input_per_million"]) * (1 - discount))}
        chosen = rates(r)
    elif kind == "per_token":
        chosen = rates(pricing)
    elif kind == "tiered":
        chosen = rates(pricing["base"])
        thresholds = [t["input_tokens_threshold"] for t in pricing["tiers"]]
        if any(b <= a for a, b in zip(thresholds, thresholds[1:])):
            raise Refused()
        compiled = [(t["input_tokens_threshold"], rates(t)) for t in pricing["tiers"]]
        for threshold, tier in compiled:
            if prompt > threshold or (pricing["threshold"] == "inclusive" and prompt == threshold):
                chosen = tier
            else:
                break
    else:
        fee = dec(pricing["price_per_request"])
        if fee < 0:
            raise Refused()
        overage = pricing["overage_per_million"]
        chosen = rates({"input_per_million": overage, "output_per_million": overage})
        included = pricing["included_tokens"]
        for i in range(5):  # included tokens: uncached input, cache read, cache write, output, reasoning
            used = min(included, buckets[i])
            buckets[i] -= used
            included -= used
    if cache_read + cache_write > prompt or reasoning > completion:
        raise Refused()
    out = {"input": buckets[0] * chosen["input"], "cache_read": buckets[1] * chosen["cache_read"],
           "cache_write": buckets[2] * chosen["cache_write"],
           "output": buckets[3] * chosen["output"] + buckets[4] * chosen["reasoning"]}
    out["request_fee"] = fee
    out["total"] = sum(out.values())
    return {k: spell(v) for k, v in out.items()}


def pricing_cases(rng, driver, n):
    cases = []
    for _ in range(n):
        pricing = random_pricing(rng)
        prompt = rng.choice([0, 1, 199_999, 200_000, 200_001, rng.randint(0, 500_000), 2 ** 64 - 1])
        completion = rng.choice([0, 1, rng.randint(0, 50_000), 2 ** 63])
        cache_read = rng.randint(0, prompt) if prompt and rng.random() < 0.5 else 0
        cache_write = rng.randint(0, prompt - cache_read) if prompt - cache_read and rng.random() < 0.3 else 0
        reasoning = rng.randint(0, completion) if completion and rng.random() < 0.3 else 0
        if rng.random() < 0.03 and prompt < 2 ** 64 - 1:
            cache_read = prompt + 1  # refused: a bucket beyond its parent
        tokens = [prompt, completion, cache_read, cache_write, reasoning]
        cases.append((pricing, tokens))
        driver.ask({"op": "price", "pricing": pricing, "tokens": tokens})
    for (pricing, tokens), reply in zip(cases, driver.run()):
        try:
            expected = reference_price(pricing, tokens)
        except Refused:
            expected = None
        if expected is None:
            check("pricing", reply.get("error") == "PricingError", f"{pricing} {tokens}: not refused: {reply}")
        elif "error" in reply and dec(expected["total"]) > MAX:
            check("pricing", reply["error"] == "PricingError", f"overflow not refused: {reply}")
        else:
            check("pricing", reply == expected, f"{pricing} {tokens}: {reply} vs {expected}")


# ---------------------------------------------------------------- aggregation
PROVIDERS = ["openai", "anthropic", "google", "acme", "custom:openai"]


def random_cost_record(rng, i, start_ms):
    parts = [Decimal(rng.randint(0, 10 ** 9)) / Decimal(10 ** rng.randint(0, 18)) for _ in range(4)]
    fee = Decimal(rng.choice([0, 0, 1])) / 100
    ts = start_ms + rng.randint(-3 * 86_400_000, 40 * 86_400_000)
    return {"id": f"c{i}", "usage_id": "", "timestamp": iso(ts), "provider": rng.choice(PROVIDERS),
            "model": rng.choice(["gpt-4o", "o1", "claude", "gemini"]),
            "organization_id": rng.choice(["org-a", "org-b", "org-c"]),
            "project_id": rng.choice(["", "p1", "p2"]), "currency": "USD",
            "cost": {"input": spell(parts[0]), "cache_read": spell(parts[1]), "cache_write": spell(parts[2]),
                     "output": spell(parts[3]), "request_fee": spell(fee), "total": spell(sum(parts) + fee)},
            "input_tokens": rng.randint(0, 10 ** 6), "output_tokens": rng.randint(0, 10 ** 5),
            "pricing_table_id": "t", "calculated_at": iso(ts)}


def iso(ms):
    import datetime
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ms % 1000:03d}" if ms % 1000 else "") + "Z"


def aggregation_cases(rng, driver, n):
    start_ms = 1_735_689_600_000  # 2025-01-01
    cases = []
    for k in range(n):
        records = [random_cost_record(rng, i, start_ms) for i in range(rng.randint(0, 60))]
        bucket = rng.choice(["hour", "day", "month"])
        period = (iso(start_ms), iso(start_ms + 31 * 86_400_000))
        cases.append((records, bucket, period))
        driver.ask({"op": "aggregate", "records": records, "start": period[0], "end": period[1], "bucket": bucket})
    for (records, bucket, period), reply in zip(cases, driver.run()):
        inside = [r for r in records if period[0] <= r["timestamp"] < period[1]]
        # Python: exact decimal sums per dimension.
        expected = {}
        def add(dimension, key, r):
            g = expected.setdefault((dimension, key), [Decimal(0), 0, 0, 0])
            g[0] += dec(r["cost"]["total"]); g[1] += 1
            g[2] += r["input_tokens"]; g[3] += r["output_tokens"]
        for r in inside:
            add("total", "USD", r)
            add("provider", r["provider"], r)
            add("model", r["model"], r)
            add("organization", r["organization_id"], r)
            if r["project_id"]:
                add("project", r["project_id"], r)
            t = r["timestamp"]
            key = {"hour": t[:13] + ":00:00Z", "day": t[:10] + "T00:00:00Z", "month": t[:7] + "-01T00:00:00Z"}[bucket]
            add(bucket, key, r)
        got = {}
        for row in reply["rows"] if isinstance(reply.get("rows"), list) else reply["rows"]["rows"]:
            if row["dimension"] == "total" and row["key"] is None:
                continue
            got[(row["dimension"], row["key"])] = [dec(row["cost"]), row["requests"], row["input_tokens"], row["output_tokens"]]
        check("aggregation", got == expected, f"summary differs: {sorted(set(got) ^ set(expected))[:4]}")
        check("aggregation", reply["outside"] == len(records) - len(inside), "records outside the period")
        # SQLite GROUP BY as a second reference for counts and token sums.
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE c (model TEXT, org TEXT, input INTEGER, output INTEGER)")
        db.executemany("INSERT INTO c VALUES (?, ?, ?, ?)",
                       [(r["model"], r["organization_id"], r["input_tokens"], r["output_tokens"]) for r in inside])
        for model, count, input_tokens, output_tokens in db.execute(
                "SELECT model, count(*), sum(input), sum(output) FROM c GROUP BY model"):
            check("aggregation", got.get(("model", model), [None, None, None, None])[1:] ==
                  [count, input_tokens, output_tokens], f"GROUP BY model {model}")


# ---------------------------------------------------------------- forecasting
def forecast_coverage(rng, driver, series_count):
    gauss = random.Random(20261202).gauss
    length, horizon = 60, 7
    plan = []
    for model in ("moving_average", "exponential_smoothing", "holt_linear", "linear_trend", "automatic"):
        for confidence in (0.8, 0.95):
            for _ in range(series_count):
                if model == "holt_linear":  # Holt's own process: a local linear trend
                    level, slope, values = 100.0, 0.5, []
                    for _ in range(length + horizon):
                        x = gauss(0, 2)
                        values.append(level + slope + x)
                        level += slope + 0.3 * x
                        slope += 0.03 * x
                else:
                    values = [100 + gauss(0, 10) for _ in range(length + horizon)]
                plan.append((model, confidence, values))
                driver.ask({"op": "forecast", "values": list(values[:length]), "model": model,
                            "confidence": confidence, "horizon": horizon, "window": 7})
    coverage = {}
    for (model, confidence, values), reply in zip(plan, driver.run()):
        c = coverage.setdefault((model, confidence), [0, 0, 0, 0])
        for h, (value, lower, upper) in enumerate(reply["points"]):
            inside = lower <= values[length + h] <= upper
            c[0] += inside; c[1] += 1
            if h == horizon - 1:
                c[2] += inside; c[3] += 1
        if model == "linear_trend":  # the point forecast against numpy's least squares
            x_mean, y_mean = (length - 1) / 2, sum(values[:length]) / length
            slope = (sum((x - x_mean) * (y - y_mean) for x, y in enumerate(values[:length])) /
                     sum((x - x_mean) ** 2 for x in range(length)))
            expected = y_mean + slope * (length - x_mean)  # at x = n - 1 + h, h = 1
            check("forecast", math.isclose(reply["points"][0][0], expected, rel_tol=1e-9), "linear trend point")
    figures = {}
    for (model, confidence), (inside, total, inside_last, total_last) in coverage.items():
        share = inside / total
        figures[f"{model}@{confidence}"] = (round(share, 3), round(inside_last / total_last, 3))
        # Holt's grid-fitted parameters run its intervals a little wide.
        band = (0.11 if model == "holt_linear" else 0.09) if confidence == 0.8 else 0.04
        check("forecast", abs(share - confidence) <= band + (0.01 if model == "holt_linear" else 0),
              f"{model} nominal {confidence}: coverage {share:.3f}")
    # Finite input too large for double arithmetic: refused, never NaN.
    for model in ("linear_trend", "moving_average", "exponential_smoothing", "holt_linear", "automatic"):
        driver.ask({"op": "forecast", "values": [1e308 if i % 2 == 0 else -1e308 for i in range(30)],
                    "model": model, "confidence": 0.9, "horizon": 7, "window": 3})
    for reply in driver.run():
        check("forecast", reply.get("error") == "ForecastError", f"huge input: {reply}")
    return figures


# ---------------------------------------------------------------- export
def export_cases(rng, driver, n):
    cases = []
    for k in range(n):
        records = [random_cost_record(rng, i, 1_735_689_600_000) for i in range(rng.randint(0, 30))]
        for r in records:
            if rng.random() < 0.2:
                r["model"] = rng.choice(['a,b', 'quote"d', "line\nbreak", "ünïcode", " spaced "])
        fmt = rng.choice(["csv", "json"])
        cases.append((records, fmt))
        driver.ask({"op": "export", "records": records, "format": fmt})
    cells = 0
    for (records, fmt), reply in zip(cases, driver.run()):
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(reply["text"], newline="")))
        else:
            rows = json.loads(reply["text"])["rows"]
        check("export", len(rows) == len(records) == reply["rows"], "row count")
        for r, row in zip(records, rows):
            expected = {"timestamp": r["timestamp"], "provider": r["provider"], "model": r["model"],
                        "organization_id": r["organization_id"], "input_tokens": r["input_tokens"],
                        "output_tokens": r["output_tokens"], "input_cost": r["cost"]["input"],
                        "total_cost": r["cost"]["total"], "currency": "USD"}
            for key, value in expected.items():
                got = row[key]
                if fmt == "csv" and isinstance(value, int):
                    got = int(got)
                cells += 1
                check("export", got == value, f"{fmt} {key}: {got!r} vs {value!r}")
    return cells


# ---------------------------------------------------------------- compression
def python_decompress(data, fmt):
    if fmt == "gzip":
        return gzip.decompress(data)
    if fmt == "zlib":
        return zlib.decompress(data)
    return zlib.decompress(data, -15)


def python_compress(data, fmt, level):
    wbits = {"gzip": 31, "zlib": 15, "raw": -15}[fmt]
    c = zlib.compressobj(level, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


def compression_cases(rng, driver, n):
    cases = []
    for _ in range(n):
        size = rng.choice([0, 1, 11, rng.randint(0, 300), rng.randint(0, 20_000)])
        data = (b"hello world" if size == 11 else
                bytes(rng.getrandbits(8) for _ in range(size)) if rng.random() < 0.3 else
                (b"The quick brown fox jumps over the lazy dog. " * (size // 45 + 1))[:size])
        fmt = rng.choice(["gzip", "zlib", "raw"])
        level = rng.choice([-1, 0, 1, 6, 9])
        limit = rng.choice([1, 2, 3, 7, 64, 1 << 30])
        cases.append((data, fmt, level, limit))
        driver.ask({"op": "compress", "hex": data.hex(), "format": fmt, "level": level, "limit": limit})
        driver.ask({"op": "decompress", "hex": python_compress(data, fmt, level).hex(), "format": fmt, "limit": limit})
    replies = driver.run()
    for i, (data, fmt, level, limit) in enumerate(cases):
        packed, unpacked = replies[2 * i], replies[2 * i + 1]
        check("compression", "hex" in packed and python_decompress(bytes.fromhex(packed["hex"]), fmt) == data,
              f"{fmt} level {level} limit {limit} size {len(data)}: {packed.get('message')}")
        check("compression", unpacked.get("hex") == data.hex(), f"decompress {fmt} limit {limit}")


# ---------------------------------------------------------------- storage
def storage_cases(rng, driver, n, directory):
    path = os.path.join(directory, "differential.db")
    usage = []
    for i in range(n):
        prompt = rng.randint(0, 2 ** 63 - 1) if rng.random() < 0.1 else rng.randint(0, 10 ** 6)
        completion = rng.randint(0, 10 ** 6)
        record = {"id": f"u{i}", "timestamp": iso(1_735_689_600_000 + rng.randint(0, 10 ** 10)),
                  "provider": rng.choice(PROVIDERS), "model": "m", "organization_id": "org",
                  "prompt_tokens": prompt, "completion_tokens": completion,
                  "total_tokens": prompt + completion if prompt + completion < 2 ** 63 else 2 ** 63 - 1,
                  "cache_read_tokens": rng.randint(0, prompt), "tags": ["t", "ü"], "metadata": {"k": i}}
        if rng.random() < 0.5:
            record["latency_ms"] = rng.randint(0, 10 ** 6)
        usage.append(record)
    driver.ask({"op": "store_usage", "db": path, "records": usage})
    driver.ask({"op": "list_usage", "db": path, "organization": "org", "start": "2025-01-01T00:00:00Z",
                "end": "2026-01-01T00:00:00Z"})
    stored, listed = driver.run()
    check("storage", stored.get("stored") == n, f"store: {stored}")
    rows = {r[0]: r for r in sqlite3.connect(path).execute(
        "SELECT id, timestamp_ms, prompt_tokens, completion_tokens, total_tokens, cache_read_tokens, latency_ms "
        "FROM usage_records")}
    for record in usage:
        row = rows[record["id"]]
        check("storage", row[2:6] == (record["prompt_tokens"], record["completion_tokens"], record["total_tokens"],
                                      record["cache_read_tokens"]) and row[6] == record.get("latency_ms"),
              f"sqlite row {record['id']}: {row}")
    by_id = {r["id"]: r for r in listed["records"]}
    for record in usage:
        back = by_id[record["id"]]
        check("storage", all(back.get(k) == record.get(k) for k in
                             ("timestamp", "provider", "prompt_tokens", "total_tokens", "latency_ms", "tags")),
              f"read back {record['id']}: {back}")
    # What another program writes: refused with the table, row and column named.
    for column, value in [("latency_ms", -5), ("cache_read_tokens", -1), ("total_tokens", -1),
                          ("timestamp_ms", "2024-01-01T00:00:00Z"), ("prompt_tokens", 1.5)]:
        db = sqlite3.connect(path)
        db.execute(f"UPDATE usage_records SET {column} = ? WHERE id = 'u0'", (value,))
        db.commit()
        driver.ask({"op": "list_usage", "db": path, "organization": "org", "start": "2000-01-01T00:00:00Z",
                    "end": "2100-01-01T00:00:00Z"})
        (reply,) = driver.run()
        check("storage", reply.get("error") == "StorageError" and "usage_records row u0" in reply["message"]
              and column in reply["message"], f"{column} = {value!r}: {reply}")
        db.execute("DELETE FROM usage_records WHERE id = 'u0'")
        db.commit()
        driver.ask({"op": "store_usage", "db": path, "records": [usage[0]]})
        driver.run()
    # Money up to the range's edge round-trips; a total that is not the sum is refused.
    big = {"id": "big", "usage_id": "", "timestamp": "2025-02-01T00:00:00Z", "provider": "openai", "model": "m",
           "organization_id": "org", "currency": "USD",
           "cost": {"input": str(MAX), "cache_read": "0", "cache_write": "0", "output": "0", "request_fee": "0",
                    "total": str(MAX)}, "input_tokens": 1, "output_tokens": 1, "pricing_table_id": "t",
           "calculated_at": "2025-02-01T00:00:00Z"}
    driver.ask({"op": "store_costs", "db": path, "records": [big]})
    driver.ask({"op": "list_costs", "db": path, "organization": "org", "start": "2025-01-01T00:00:00Z",
                "end": "2026-01-01T00:00:00Z"})
    _, listed = driver.run()
    check("storage", listed.get("records", [{}])[0].get("cost", {}).get("total") == str(MAX), f"max(): {listed}")
    db = sqlite3.connect(path)
    db.execute("UPDATE cost_records SET total_cost = '1' WHERE id = 'big'")
    db.commit()
    driver.ask({"op": "list_costs", "db": path, "organization": "org", "start": "2025-01-01T00:00:00Z",
                "end": "2026-01-01T00:00:00Z"})
    (reply,) = driver.run()
    check("storage", reply.get("error") == "StorageError" and "not the sum" in reply["message"], f"sum: {reply}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driver")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the case counts")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    driver = Driver(args.driver)
    scale = lambda n: max(1, int(n * args.scale))
    decimal_cases(rng, driver, scale(3000))
    pricing_cases(rng, driver, scale(4000))
    aggregation_cases(rng, driver, scale(200))
    figures = forecast_coverage(rng, driver, scale(150))
    cells = export_cases(rng, driver, scale(100))
    compression_cases(rng, driver, scale(300))
    with tempfile.TemporaryDirectory() as directory:
        storage_cases(rng, driver, scale(300), directory)
    print("checks per area:", json.dumps(counts, sort_keys=True))
    print("exported cells compared:", cells)
    print("interval coverage (overall, at h=7):", json.dumps(figures, sort_keys=True))
    for failure in failures[:30]:
        print("FAIL", failure)
    print(f"{len(failures)} of {sum(counts.values())} checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

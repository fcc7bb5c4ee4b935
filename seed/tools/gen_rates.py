#!/usr/bin/env python3
"""Generate seed/reference/exchange-rates.csv: SYNTHETIC monthly rates for the demo.

The figures are realistic in magnitude and trend only. They are NOT the UN operational
rates of exchange and must not be used for real reporting; load real rates with
`romt-hub rates import FILE.csv` instead.

One row per currency and month, 2023-01 to 2026-12, for every currency in
seed/reference/currencies.csv except USD (USD is always 1 and handled in code).
`rate` is units of currency per 1 USD, as a plain decimal string.

The output is deterministic: a fixed seed, and one random stream per currency, so adding
a currency does not change the others. Standard library only (Python 3.11).

Usage: python3 seed/tools/gen_rates.py
"""

import csv
import math
import random
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

SEED = 20230101
FIRST_YEAR, LAST_YEAR = 2023, 2026
MONTHS = [(y, m) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
CURRENCIES_CSV = REFERENCE_DIR / "currencies.csv"
OUTPUT_CSV = REFERENCE_DIR / "exchange-rates.csv"

# Fixed rates, written exactly as given, every month.
PEGGED = {
    "BOB": "6.96",
    "BZD": "2",
    "BBD": "2",
    "XCD": "2.7",
    "CUP": "24",  # official rate
}

# Floating and managed currencies: approximate yearly average units per USD
# (2023-2025 from shared/reference/approx-usd-rates.csv, 2026 a plausible extrapolation)
# and the size of the month-to-month noise (standard deviation of a log shock).
FLOATING = {
    #       2023     2024     2025     2026     noise
    "BRL": ((4.9, 5.4, 5.6, 5.7), 0.012),
    "CLP": ((840, 940, 950, 960), 0.012),
    "COP": ((4300, 4000, 4100, 4150), 0.012),
    "CRC": ((540, 515, 505, 500), 0.006),
    "DOP": ((56, 59, 62, 64), 0.004),
    "GTQ": ((7.8, 7.75, 7.7, 7.68), 0.0015),  # managed
    "HNL": ((24.6, 24.9, 25.9, 26.6), 0.001),  # crawling peg
    "HTG": ((135, 132, 131, 131), 0.006),
    "MXN": ((17.7, 18.3, 19.5, 19.8), 0.012),
    "PYG": ((7300, 7500, 7800, 7950), 0.006),
    "PEN": ((3.75, 3.75, 3.6, 3.6), 0.006),
    "UYU": ((39, 40, 42, 43), 0.008),
    "GYD": ((209, 209, 209, 209), 0.001),  # managed
    "SRD": ((37, 33, 36, 37), 0.008),
    "JMD": ((155, 157, 159, 161), 0.004),
    "TTD": ((6.78, 6.78, 6.78, 6.78), 0.0012),  # managed, flat-ish
    "EUR": ((0.925, 0.923, 0.91, 0.915), 0.004),
}
NOISE_PERSISTENCE = 0.8  # AR(1) coefficient: the noise drifts instead of jumping

# High-inflation currencies: rate at given months; the path between two knots grows
# geometrically with an irregular but always positive monthly step, so the rate rises
# strictly every month and passes exactly through each knot.
DEPRECIATING = {
    "ARS": [
        ((2023, 1), 350),
        ((2023, 11), 425),
        ((2023, 12), 800),  # devaluation of December 2023
        ((2024, 1), 830),
        ((2024, 12), 1030),
        ((2025, 1), 1050),
        ((2025, 12), 1450),
        ((2026, 12), 1900),
    ],
    "VES": [
        ((2023, 1), 24),
        ((2023, 12), 35.9),
        ((2024, 1), 36.2),
        ((2024, 12), 52),
        ((2025, 1), 60),
        ((2025, 12), 250),
        ((2026, 12), 600),
    ],
}

# NIO crawled by about 1% a year until the rate was fixed at 36.6 from January 2024.
NIO_FIXED = "36.6"
NIO_CRAWL_2023 = (36.25, 36.58)


def month_index(year, month):
    return (year - FIRST_YEAR) * 12 + (month - 1)


def fmt(value):
    """About 6 significant digits, at most 4 decimals, no exponent, no trailing zeros."""
    integer_digits = len(str(int(abs(value)))) if abs(value) >= 1 else 1
    decimals = max(0, min(4, 6 - integer_digits))
    quantum = Decimal(1).scaleb(-decimals)
    text = format(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_EVEN), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def floating_series(yearly, noise, rng):
    """Yearly averages placed at mid-year, linearly interpolated (and extended at both
    ends), so the level drifts across January instead of jumping; times AR(1) noise."""
    mid = 5.5  # between June and July
    anchors = [(i * 12 + mid, level) for i, level in enumerate(yearly)]
    values = []
    shock = rng.gauss(0.0, noise)
    for t in range(len(MONTHS)):
        if t <= anchors[0][0]:
            (t0, v0), (t1, v1) = anchors[0], anchors[1]
        elif t >= anchors[-1][0]:
            (t0, v0), (t1, v1) = anchors[-2], anchors[-1]
        else:
            k = next(i for i in range(len(anchors) - 1) if anchors[i][0] <= t <= anchors[i + 1][0])
            (t0, v0), (t1, v1) = anchors[k], anchors[k + 1]
        trend = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        values.append(fmt(trend * math.exp(shock)))
        shock = NOISE_PERSISTENCE * shock + rng.gauss(0.0, noise)
    return values


def depreciating_series(code, knots, rng):
    levels = {}
    for ((y0, m0), v0), ((y1, m1), v1) in zip(knots, knots[1:]):
        t0, t1 = month_index(y0, m0), month_index(y1, m1)
        if not (t1 > t0 and v1 > v0):
            raise ValueError(f"{code}: knots must rise in time and value")
        weights = [1.0 + rng.uniform(-0.35, 0.35) for _ in range(t1 - t0)]
        total_log = math.log(v1 / v0)
        log_level = math.log(v0)
        levels[t0] = float(v0)
        for step, weight in enumerate(weights, start=1):
            log_level += total_log * weight / sum(weights)
            levels[t0 + step] = math.exp(log_level)
        levels[t1] = float(v1)  # exactly on the knot, free of rounding drift
    if sorted(levels) != list(range(len(MONTHS))):
        raise ValueError(f"{code}: knots must cover {FIRST_YEAR}-01 to {LAST_YEAR}-12")
    return [fmt(levels[t]) for t in range(len(MONTHS))]


def nio_series():
    start, end = NIO_CRAWL_2023
    return [
        fmt(start + (end - start) * (m - 1) / 11) if y == 2023 else NIO_FIXED
        for (y, m) in MONTHS
    ]


def series_for(code):
    rng = random.Random(f"{SEED}:{code}")
    if code in PEGGED:
        return [PEGGED[code]] * len(MONTHS)
    if code == "NIO":
        return nio_series()
    if code in DEPRECIATING:
        return depreciating_series(code, DEPRECIATING[code], rng)
    if code in FLOATING:
        yearly, noise = FLOATING[code]
        return floating_series(yearly, noise, rng)
    raise KeyError(f"no rate model for currency {code}; add one to {Path(__file__).name}")


def check(code, rates):
    if len(rates) != len(MONTHS):
        raise AssertionError(f"{code}: {len(rates)} months")
    values = [Decimal(r) for r in rates]
    if any(v <= 0 for v in values) or any("e" in r.lower() for r in rates):
        raise AssertionError(f"{code}: rate not a positive plain decimal")
    if code in DEPRECIATING and any(b <= a for a, b in zip(values, values[1:])):
        raise AssertionError(f"{code}: rate must rise every month")


def main():
    with CURRENCIES_CSV.open(encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f) if row["code"] != "USD"]
    rows = []
    for code in codes:
        rates = series_for(code)
        check(code, rates)
        rows.extend((code, f"{y:04d}-{m:02d}", rate) for (y, m), rate in zip(MONTHS, rates))
    with OUTPUT_CSV.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["currency", "month", "rate"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rates ({len(codes)} currencies x {len(MONTHS)} months) to {OUTPUT_CSV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

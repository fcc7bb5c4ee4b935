#!/usr/bin/env python3
"""Generate seed/demo/: a SYNTHETIC demo data set of BOS documents and quarterly KPI reports.

The figures are invented. They are plausible in magnitude and trend only (cost avoidance of tens of
thousands to low millions of USD a year per service, lead times falling, uptime 97-99.9 %, ...) and
must not be read as the results of any real country team.

Output (every document valid against schemas/<documentType>.v1.schema.json):

  seed/demo/bos/<CTRY>-<start>-<end>-r<rev>.json      one BOS per country team (COL has r1 and r2)
  seed/demo/kpi-report/<CTRY>-<YYYY>-Q<n>-r<rev>.json  quarterly reports 2024-Q3 .. 2026-Q2
  seed/demo/manifest.json                              local-code mappings, and every document once,
                                                       in load order, with a simulated receivedAt

Amounts are chosen in USD and converted to the document currency with the synthetic rates of
seed/reference/exchange-rates.csv: BOS amounts at the rate of the month the BOS was signed (or
drafted), the CA value of a quarter at the rate of the quarter's last month (DESIGN.md section 6).

Deliberate special cases (listed in seed/README.md and checked at the end of this script):
revisions, local KPI codes mapped by the hub, INTERNAL/SENSITIVE classification, missing quarters,
late reports, and three values the hub must reject one by one.

The output is deterministic: fixed seeds, one random stream per country team, no dependence on
hash order. Standard library only (Python 3.11). The script removes the *.json files it owns in
seed/demo/{bos,kpi-report} and seed/demo/manifest.json before writing.

Usage: python3 seed/tools/gen_demo.py
"""

import copy
import csv
import json
import math
import random
import sys
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

SEED = 20240701

SEED_DIR = Path(__file__).resolve().parent.parent
REFERENCE_DIR = SEED_DIR / "reference"
DEMO_DIR = SEED_DIR / "demo"

QUARTERS = [(2024, 3), (2024, 4)] + [(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4)][:6]
RECEIVED_LIMIT = datetime(2026, 8, 15, tzinfo=timezone.utc)
LATE_SHARE = 0.10

# Local KPI codes some country teams report instead of a regional one; the hub maps them with
# regional = reported * factor + offset (DESIGN.md section 6, "Local codes").
MAPPINGS = [
    {"country": "BRA", "localCode": "tempo_compra_semanas", "kpi": "PROC.LEADTIME", "factor": "7", "offset": "0"},
    {"country": "PER", "localCode": "satisfaccion_clientes_frac", "kpi": "CLIENT.SAT.PCT", "factor": "100", "offset": "0"},
    {"country": "MEX", "localCode": "combustible_m3", "kpi": "LOG.FUEL.LITRES", "factor": "1000", "offset": "0"},
]

# ---------------------------------------------------------------------------------------------
# Common service templates: id suffix -> name, service line, KPIs followed (the first is the
# mandatory quality KPI), yearly net cost avoidance range in USD, usual modality.
# ---------------------------------------------------------------------------------------------
SERVICES = {
    "PROC-TRAVEL": ("Common travel agency LTA", "PROCUREMENT", ["PROC.PRICE.PCT", "CLIENT.SAT.PCT"], (40_000, 240_000), "OUTSOURCED"),
    "PROC-FUEL": ("Joint fuel supply LTA", "PROCUREMENT", ["PROC.PRICE.PCT", "PROC.LTA.SHARED"], (25_000, 170_000), "OUTSOURCED"),
    "PROC-LTA": ("Joint LTAs for office supplies and printing", "PROCUREMENT", ["PROC.LEADTIME", "PROC.LTA.SHARED"], (20_000, 140_000), "IN_HOUSE"),
    "PROC-TENDER": ("Joint tendering for common goods and services", "PROCUREMENT", ["PROC.LEADTIME", "PROC.PRICE.PCT"], (60_000, 420_000), "IN_HOUSE"),
    "ADMIN-SECURITY": ("Shared security services", "ADMINISTRATION", ["CLIENT.SAT.PCT"], (50_000, 380_000), "OUTSOURCED"),
    "ADMIN-PREMISES": ("Common premises in {city}", "ADMINISTRATION", ["ADMIN.CP.PCT", "CLIENT.SAT.PCT"], (180_000, 1_500_000), "IN_HOUSE"),
    "ADMIN-CLEANING": ("Shared cleaning and maintenance services", "ADMINISTRATION", ["CLIENT.SAT.PCT"], (20_000, 110_000), "OUTSOURCED"),
    "ICT-CONNECT": ("Shared ICT connectivity", "ICT", ["ICT.UPTIME.PCT", "ICT.AGENCIES.PCT"], (30_000, 280_000), "OUTSOURCED"),
    "ICT-HELPDESK": ("Common ICT service desk", "ICT", ["ICT.AGENCIES.PCT", "CLIENT.SAT.PCT"], (20_000, 150_000), "IN_HOUSE"),
    "HR-ROSTER": ("Joint recruitment roster", "HR", ["HR.ROSTER.HIRES", "HR.RECRUIT.DAYS"], (20_000, 170_000), "IN_HOUSE"),
    "HR-INTERP": ("Joint roster of interpreters and translators", "HR", ["HR.ROSTER.HIRES"], (10_000, 60_000), "IN_HOUSE"),
    "FIN-BANK": ("Common banking services", "FINANCE", ["FIN.BANK.PCT"], (20_000, 160_000), "OUTSOURCED"),
    "FIN-FX": ("Joint foreign exchange and cash transfer LTA", "FINANCE", ["FIN.BANK.PCT"], (15_000, 100_000), "OUTSOURCED"),
    "LOG-FLEET": ("Shared fleet management", "LOGISTICS", ["LOG.FLEET.SHARED", "LOG.FUEL.LITRES"], (40_000, 340_000), "IN_HOUSE"),
    "LOG-WAREHOUSE": ("Common warehousing in {city}", "LOGISTICS", ["CLIENT.SAT.PCT"], (30_000, 240_000), "IN_HOUSE"),
}

# Fleets always follow both their KPIs (vehicles and fuel); the others follow one or two.
ALWAYS_BOTH_KPIS = {"LOG-FLEET"}

# ---------------------------------------------------------------------------------------------
# Country teams of the demo. scale: size of the amounts; personnel: UN personnel in the country
# (weight of ADMIN.CP.PCT); services: (template, lead agency, stock-take action or None = random).
# currency None = the country's own currency (seed/reference/country-teams.csv).
# ---------------------------------------------------------------------------------------------
COUNTRIES = {
    "COL": dict(
        slug="colombia", city="Bogotá", cycle=(2023, 2027), signed="2023-04-12", currency=None,
        chair="UNDP", scale=1.6, personnel=1400,
        agencies="UNDP UNICEF WFP UNFPA UNHCR FAO PAHO IOM UNWOMEN OHCHR UNODC ILO UNOPS RCO",
        services=[("PROC-TRAVEL", "UNDP", "SCALE_UP"), ("ADMIN-PREMISES", "UNDP", "CONTINUE"),
                  ("ADMIN-SECURITY", "UNHCR", None), ("ICT-CONNECT", "WFP", None),
                  ("HR-ROSTER", "UNFPA", "NEW"), ("LOG-FLEET", "WFP", None), ("FIN-BANK", "UNDP", None)]),
    "BRA": dict(
        slug="brasil", city="Brasília", cycle=(2023, 2027), signed="2023-05-22", currency=None,
        chair="UNDP", scale=1.6, personnel=1100,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO ILO UNESCO UNWOMEN UNODC UNAIDS UNOPS IOM WFP RCO UNEP UNIDO UNHABITAT",
        services=[("PROC-TRAVEL", "UNDP", None), ("PROC-TENDER", "UNOPS", "NEW"), ("ADMIN-PREMISES", "UNDP", None),
                  ("ICT-CONNECT", "UNDP", None), ("HR-ROSTER", "UNICEF", None), ("FIN-BANK", "UNDP", "CONTINUE"),
                  ("LOG-FLEET", "UNHCR", None)]),
    "MEX": dict(
        slug="mexico", city="Ciudad de México", cycle=(2022, 2026), signed="2022-06-08", currency=None,
        chair="UNICEF", scale=1.4, personnel=900,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO ILO UNESCO UNWOMEN UNODC OHCHR IOM UNOPS RCO UNHABITAT ECLAC",
        services=[("PROC-TRAVEL", "UNDP", None), ("PROC-FUEL", "UNOPS", None), ("ADMIN-SECURITY", "UNICEF", None),
                  ("ICT-CONNECT", "UNDP", None), ("LOG-FLEET", "UNHCR", "SCALE_UP"), ("HR-ROSTER", "UNWOMEN", None)]),
    "PER": dict(
        slug="peru", city="Lima", cycle=(2022, 2026), signed="2022-03-30", currency=None,
        chair="UNFPA", scale=1.1, personnel=650,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO ILO UNWOMEN UNODC IOM WFP UNOPS RCO UNESCO",
        services=[("PROC-TRAVEL", "UNFPA", None), ("ADMIN-PREMISES", "UNDP", None), ("ICT-HELPDESK", "UNDP", "NEW"),
                  ("LOG-WAREHOUSE", "WFP", None), ("FIN-BANK", "UNICEF", None)]),
    "ECU": dict(
        slug="ecuador", city="Quito", cycle=(2024, 2028), signed="2024-03-14", currency=None,
        chair="UNHCR", scale=1.0, personnel=600,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO IOM WFP UNWOMEN UNESCO RCO ILO",
        services=[("ICT-CONNECT", "UNDP", None), ("LOG-FLEET", "WFP", None), ("PROC-FUEL", "WFP", None),
                  ("ADMIN-SECURITY", "UNHCR", None), ("HR-ROSTER", "UNFPA", "NEW")]),
    "GTM": dict(
        slug="guatemala", city="Ciudad de Guatemala", cycle=(2023, 2027), signed="2023-03-02", currency=None,
        chair="UNICEF", scale=1.0, personnel=700,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO IOM WFP UNWOMEN OHCHR UNODC RCO ILO IFAD",
        services=[("ICT-CONNECT", "UNDP", None), ("HR-ROSTER", "UNFPA", None), ("PROC-TRAVEL", "UNICEF", "SCALE_DOWN"),
                  ("PROC-LTA", "UNOPS", "NEW"), ("ADMIN-CLEANING", "FAO", "MODIFY")]),
    "ARG": dict(
        slug="argentina", city="Buenos Aires", cycle=(2024, 2028), signed="2024-04-25", currency="USD",
        chair="UNDP", scale=1.0, personnel=450,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO ILO IOM UNESCO UNWOMEN ECLAC RCO UNOPS",
        services=[("PROC-TRAVEL", "UNDP", None), ("ADMIN-PREMISES", "UNDP", "SCALE_UP"), ("FIN-FX", "UNDP", "DISCONTINUE"),
                  ("ICT-CONNECT", "UNICEF", None), ("HR-INTERP", "ILO", None)]),
    "CHL": dict(
        slug="chile", city="Santiago", cycle=(2022, 2026), signed="2022-05-17", currency=None,
        chair="ECLAC", scale=0.9, personnel=500,
        agencies="ECLAC UNDP UNICEF UNFPA FAO PAHO ILO UNESCO UNWOMEN IOM UNHCR OHCHR RCO",
        services=[("ADMIN-PREMISES", "ECLAC", "CONTINUE"), ("PROC-TRAVEL", "ECLAC", None), ("ICT-CONNECT", "UNDP", None),
                  ("FIN-BANK", "UNDP", None)]),
    "HND": dict(
        slug="honduras", city="Tegucigalpa", cycle=(2022, 2026), signed="2022-02-21", currency=None,
        chair="WFP", scale=0.8, personnel=480,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO WFP IOM OHCHR UNWOMEN RCO",
        services=[("LOG-FLEET", "WFP", "SCALE_UP"), ("PROC-FUEL", "WFP", None), ("ADMIN-SECURITY", "UNDP", None)]),
    "DOM": dict(
        slug="republicadominicana", city="Santo Domingo", cycle=(2023, 2027), signed="2023-06-06", currency=None,
        chair="UNFPA", scale=0.7, personnel=300,
        agencies="UNDP UNICEF UNFPA FAO PAHO WFP IOM UNWOMEN UNAIDS RCO ILO",
        services=[("PROC-TRAVEL", "UNDP", None), ("ICT-CONNECT", "UNICEF", None), ("ADMIN-CLEANING", "UNFPA", None),
                  ("LOG-FLEET", "WFP", None)]),
    "PAN": dict(
        slug="panama", city="Ciudad de Panamá", cycle=(2024, 2028), signed="2024-02-27", currency=None,
        chair="UNICEF", scale=1.1, personnel=900,
        agencies="UNDP UNICEF UNFPA UNWOMEN UNEP OHCHR UNAIDS PAHO WFP IOM UNHCR UNODC UNOPS FAO RCO",
        services=[("ADMIN-PREMISES", "UNDP", None), ("ADMIN-SECURITY", "UNICEF", "DISCONTINUE"),
                  ("ICT-CONNECT", "UNDP", None), ("LOG-WAREHOUSE", "WFP", "SCALE_UP")]),
    "JAM": dict(
        slug="jamaica", city="Kingston", cycle=(2022, 2026), signed="2022-04-04", currency="USD",
        chair="UNDP", scale=0.6, personnel=220,
        agencies="UNDP UNICEF UNFPA PAHO UNAIDS UNESCO UNWOMEN UNEP RCO ILO",
        services=[("PROC-TRAVEL", "UNDP", None), ("ICT-CONNECT", "UNICEF", None), ("FIN-BANK", "UNDP", None)]),
    "BOL": dict(
        slug="bolivia", city="La Paz", cycle=(2023, 2027), signed="2023-02-28", currency=None,
        chair="WFP", scale=0.8, personnel=420,
        agencies="UNDP UNICEF UNFPA FAO PAHO WFP UNODC OHCHR UNWOMEN UNESCO RCO IOM",
        services=[("PROC-TRAVEL", "UNDP", None), ("LOG-FLEET", "WFP", None), ("ICT-CONNECT", "UNDP", None),
                  ("HR-ROSTER", "UNFPA", None)]),
    "URY": dict(
        slug="uruguay", city="Montevideo", cycle=(2024, 2028), signed=None, drafted="2024-05-20", currency=None,
        chair="UNDP", scale=0.5, personnel=180,
        agencies="UNDP UNICEF UNFPA PAHO UNESCO ILO FAO UNIDO RCO UNOPS",
        services=[("ADMIN-PREMISES", "UNDP", "NEW"), ("FIN-BANK", "UNDP", None), ("ICT-CONNECT", "UNICEF", None)]),
}
COUNTRY_ORDER = ["COL", "BRA", "MEX", "PER", "ECU", "GTM", "ARG", "CHL", "HND", "DOM", "PAN", "JAM", "BOL", "URY"]

# KPIs reported for the whole country team (no commonService), besides CA and CS.ACTIVE.
COUNTRY_KPI_POOL = ["ADMIN.CP.PCT", "CLIENT.SAT.PCT", "PROC.LTA.SHARED", "PROC.LEADTIME", "ICT.AGENCIES.PCT",
                    "FIN.BANK.PCT", "HR.RECRUIT.DAYS", "PROC.PRICE.PCT"]
WEIGHTED = {"PROC.PRICE.PCT", "ADMIN.CP.PCT", "CLIENT.SAT.PCT"}

# ----------------------------------------------------------------- special cases (DESIGN §6, §8)
COL_BOS_REVISION = {"signedOn": "2025-02-24", "receivedAt": "2025-03-06T14:20:00Z",
                    "changes": {"COL-PROC-TRAVEL": 1.2, "COL-LOG-FLEET": 0.85}}
SKIPPED = {("HND", (2025, 1)), ("BOL", (2024, 4)), ("BOL", (2025, 2))}
REVISED_REPORTS = {("COL", (2025, 1)), ("ECU", (2025, 4))}
INTERNAL_REPORTS = {("MEX", (2025, 3)), ("MEX", (2025, 4))}
SENSITIVE_CA_COUNTRIES = {"MEX"}
BAD_PERCENT = ("CHL", (2025, 2))          # a PERCENT value of 104.5
BAD_COUNT = ("HND", (2025, 3))            # LOG.FLEET.SHARED = 2.5
BAD_REFERENCE = ("URY", (2025, 4))        # commonService URY-FIN-BANKING is not listed
LOCAL_CODES = {  # (country, regional KPI) -> (local code, reported = regional / divisor, decimals, comment)
    ("BRA", "PROC.LEADTIME"): ("tempo_compra_semanas", 7, 1,
                               "Semanas entre a requisição aprovada e a ordem de compra."),
    ("PER", "CLIENT.SAT.PCT"): ("satisfaccion_clientes_frac", 100, 2,
                                "Fracción de clientes satisfechos o muy satisfechos (0-1)."),
    ("MEX", "LOG.FUEL.LITRES"): ("combustible_m3", 1000, 1,
                                 "Consumo de combustible de la flota compartida, en metros cúbicos."),
}


# ------------------------------------------------------------------------------ reference data
def read_csv(name):
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


COUNTRY_CURRENCY = {r["code"]: r["currency"] for r in read_csv("country-teams.csv")}
AGENCIES = {r["code"] for r in read_csv("agencies.csv")}
KPI_UNITS = {r["code"]: r["unit"] for r in read_csv("kpis.csv")}
RATES = {(r["currency"], r["month"]): Decimal(r["rate"]) for r in read_csv("exchange-rates.csv")}


def rate(currency, year, month):
    if currency == "USD":
        return Decimal(1)
    return RATES[(currency, f"{year:04d}-{month:02d}")]


def to_local(usd, currency, year, month):
    """A USD amount in whole units of `currency` at the rate of the given month."""
    amount = Decimal(repr(float(usd))) * rate(currency, year, month)
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def round_sig(x, digits=3):
    """A non-negative amount rounded to `digits` significant digits, as an int (BOS figures)."""
    if x <= 0:
        return 0
    if x < 10 ** digits:
        return int(round(x))
    quantum = 10 ** (int(math.floor(math.log10(x))) - digits + 1)
    return int(round(x / quantum)) * quantum


def num(x, decimals):
    """A value rounded to `decimals`, written as an int when it is whole."""
    if decimals == 0:
        return int(round(x))
    r = round(x, decimals)
    return int(r) if float(r).is_integer() else r


def quarter_end(year, q):
    return date(year, 3 * q, 31 if q in (1, 4) else 30)


def stamp(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_time(d, rng):
    """A business-hours UTC time on day d."""
    return datetime.combine(d, time(rng.randint(12, 21), rng.randint(0, 59), rng.randint(0, 59)), timezone.utc)


# --------------------------------------------------------------------------------- KPI series
def kpi_plan(kpi, rng, scale):
    """Baseline, end-of-cycle target and decimals of a KPI followed by a service or a country."""
    if kpi == "PROC.LEADTIME":
        b = rng.randint(20, 35)
        return b, round(b * rng.uniform(0.5, 0.7)), 1
    if kpi == "PROC.PRICE.PCT":
        return round(rng.uniform(2, 6), 1), rng.randint(8, 15), 1
    if kpi == "PROC.LTA.SHARED":
        b = rng.randint(3, 10)
        return b, b + rng.randint(3, 8), 0
    if kpi == "HR.RECRUIT.DAYS":
        b = rng.randint(75, 110)
        return b, round(b * rng.uniform(0.6, 0.75)), 0
    if kpi == "HR.ROSTER.HIRES":
        b = rng.randint(1, 4)
        return b, b + rng.randint(2, 5), 0
    if kpi == "ICT.UPTIME.PCT":
        return round(rng.uniform(96.0, 97.5), 1), rng.choice([99.0, 99.5, 99.8]), 2
    if kpi == "ICT.AGENCIES.PCT":
        return rng.randint(35, 60), rng.randint(80, 95), 1
    if kpi == "FIN.BANK.PCT":
        return rng.randint(30, 55), rng.randint(75, 90), 1
    if kpi == "LOG.FLEET.SHARED":
        b = max(4, round(rng.randint(5, 15) * scale))
        return b, b + rng.randint(5, 15), 0
    if kpi == "LOG.FUEL.LITRES":
        b = round(rng.randint(9000, 26000) * scale, -2)
        return b, round(b * rng.uniform(0.8, 0.9), -2), 0
    if kpi == "ADMIN.CP.PCT":
        b = rng.randint(25, 55)
        return b, min(95, b + rng.randint(15, 30)), 1
    if kpi == "CLIENT.SAT.PCT":
        return rng.randint(65, 78), rng.randint(85, 92), 1
    raise KeyError(kpi)


def kpi_path(kpi, baseline, target, decimals, rng):
    """Eight quarterly values moving from near the baseline towards (sometimes past) the target."""
    p0, p1 = rng.uniform(0.05, 0.35), rng.uniform(0.75, 1.15)
    noise = 0.02 if kpi == "ICT.UPTIME.PCT" else 0.06
    values = []
    for i in range(len(QUARTERS)):
        p = p0 + (p1 - p0) * i / (len(QUARTERS) - 1) + rng.gauss(0, noise)
        v = baseline + p * (target - baseline)
        if KPI_UNITS[kpi] == "PERCENT":
            v = min(v, 100.0)
        if kpi == "ICT.UPTIME.PCT":
            v = min(max(v, 97.0), 99.95)
        values.append(num(max(v, 0.0), decimals))
    return values


def target_for(plan, year):
    """The BOS target of the first target year >= year, else the last one."""
    later = [t for t in plan["targets"] if t["year"] >= year]
    return (later[0] if later else plan["targets"][-1])["value"]


# ------------------------------------------------------------------------------------- BOS
RAMPS = {
    "CONTINUE": lambda i, n: 1.0,
    "SCALE_UP": lambda i, n: 0.85 + 0.1 * i,
    "SCALE_DOWN": lambda i, n: max(0.7, 1.0 - 0.1 * i),
    "MODIFY": lambda i, n: 0.9 if i == 0 else (1.0 if i < 3 else 1.05),
    "NEW": lambda i, n: 0.5 if i == 0 else 1.0,
    "DISCONTINUE": lambda i, n: [1.0, 0.8, 0.5][i] if i < 3 else 0.0,  # phased out after year 3
}
RANDOM_ACTIONS = ["CONTINUE"] * 3 + ["SCALE_UP"] * 3 + ["MODIFY", "SCALE_DOWN", "NEW"]


def build_bos(code, cfg, rng):
    currency = cfg["currency"] or COUNTRY_CURRENCY[code]
    start, end = cfg["cycle"]
    years = list(range(start, end + 1))
    sign_day = date.fromisoformat(cfg["signed"] or cfg["drafted"])
    plan_month = max((sign_day.year, sign_day.month), (2023, 1))  # rates start 2023-01
    plan_rate = rate(currency, *plan_month)
    agencies = cfg["agencies"].split()
    assert all(a in AGENCIES for a in agencies), code

    services, model = [], []
    for key, lead, action in cfg["services"]:
        name, line, kpis, (lo, hi), modality = SERVICES[key]
        sid = f"{code}-{key}"
        action = action or rng.choice(RANDOM_ACTIONS)
        if rng.random() < 0.2:
            modality = "IN_HOUSE" if modality == "OUTSOURCED" else "OUTSOURCED"
        others = [a for a in agencies if a != lead]
        wide = key in ("ADMIN-PREMISES", "ICT-CONNECT", "ADMIN-SECURITY")
        n_clients = rng.randint(4, min(10, len(others))) if wide else rng.randint(2, min(6, len(others)))
        chosen = set(rng.sample(others, n_clients))
        clients = [a for a in others if a in chosen]

        # CBA in USD, converted at the planning rate and rounded to 3 significant digits.
        net = rng.uniform(lo, hi) * min(cfg["scale"], 1.3)
        cost = net * rng.uniform(0.05, 0.35) if rng.random() < 0.7 else 0.0
        benefit = net + cost
        b_labour_share = rng.uniform(0.15, 0.6)
        c_labour_share = rng.uniform(0.2, 1.0)
        heavy_setup = key in ("ADMIN-PREMISES", "ICT-CONNECT", "LOG-FLEET", "LOG-WAREHOUSE")
        one_time_money = net * rng.uniform(0.3, 1.2) if heavy_setup else (net * rng.uniform(0, 0.3) if rng.random() < 0.5 else 0.0)
        one_time_labour = net * rng.uniform(0.02, 0.15)

        def loc(usd):
            return round_sig(float(Decimal(repr(usd)) * plan_rate))

        cba = {
            "oneTimeCost": {"monetary": loc(one_time_money), "labour": loc(one_time_labour)},
            "annualCost": {"monetary": loc(cost * (1 - c_labour_share)), "labour": loc(cost * c_labour_share)},
            "annualBenefit": {"monetary": loc(benefit * (1 - b_labour_share)), "labour": loc(benefit * b_labour_share)},
        }
        net_local = (cba["annualBenefit"]["monetary"] + cba["annualBenefit"]["labour"]
                     - cba["annualCost"]["monetary"] - cba["annualCost"]["labour"])
        planned = []
        for i, y in enumerate(years):
            ramp = RAMPS[action](i, len(years))
            planned.append({"year": y, "amount": net_local if ramp == 1.0 else round_sig(net_local * ramp)})

        # KPIs followed: the quality KPI, and sometimes the second one of the template.
        n_kpis = len(kpis) if key in ALWAYS_BOTH_KPIS else (2 if len(kpis) > 1 and rng.random() < 0.5 else 1)
        kpi_plans = []
        for kpi in kpis[:n_kpis]:
            b, t, dec = kpi_plan(kpi, rng, cfg["scale"])
            mid_year = min(max(start + 2, 2025), end)
            mid = num(b + 0.6 * (t - b), dec)
            plan = {"kpi": kpi}
            if not (action == "NEW" and rng.random() < 0.5):
                plan["baseline"] = num(b, 2)
            plan["targets"] = [{"year": mid_year, "value": mid}, {"year": end, "value": num(t, 2)}]
            kpi_plans.append(plan)
            model.append({"service": sid, "kpi": kpi, "baseline": b, "target": t, "decimals": dec, "plan": plan})

        services.append({
            "id": sid,
            "name": name.format(city=cfg["city"]),
            "serviceLine": line,
            "leadAgency": lead,
            "clientAgencies": clients,
            "modality": modality,
            "stockTakeAction": action,
            "cba": cba,
            "plannedCostAvoidance": planned,
            "kpis": kpi_plans,
        })

    doc = {
        "documentType": "bos",
        "schemaVersion": "1.0",
        "country": code,
        "revision": 1,
        "cycle": {"start": start, "end": end},
        "status": "SIGNED" if cfg["signed"] else "DRAFT",
    }
    if cfg["signed"]:
        doc["signedOn"] = cfg["signed"]
    doc["currency"] = currency
    doc["preparedBy"] = {"agency": cfg["chair"], "contact": f"omt.{cfg['slug']}@example.org"}
    doc["commonServices"] = services
    return doc, plan_rate, model


def revise_col_bos(bos):
    r2 = copy.deepcopy(bos)
    r2["revision"] = 2
    r2["signedOn"] = COL_BOS_REVISION["signedOn"]
    for svc in r2["commonServices"]:
        factor = COL_BOS_REVISION["changes"].get(svc["id"])
        if factor:
            for p in svc["plannedCostAvoidance"]:
                if p["year"] >= 2025:
                    p["amount"] = round_sig(p["amount"] * factor)
    return r2


# -------------------------------------------------------------------------------- KPI reports
def planned_usd(bos, plan_rate):
    """Service id -> year -> planned cost avoidance in USD (at the BOS planning rate)."""
    return {s["id"]: {p["year"]: float(Decimal(p["amount"]) / plan_rate) for p in s["plannedCostAvoidance"]}
            for s in bos["commonServices"]}


def build_reports(code, cfg, bos, plan_rate, model, rng):
    currency = bos["currency"]
    plans = planned_usd(bos, plan_rate)
    listed = [{"id": s["id"], "name": s["name"], "serviceLine": s["serviceLine"], "leadAgency": s["leadAgency"],
               "clientAgencies": list(s["clientAgencies"]), "status": "ACTIVE"} for s in bos["commonServices"]]

    # Quarterly paths of the services' KPIs, and of 2-3 country-wide KPIs not followed per service.
    series = []
    for m in model:
        values = kpi_path(m["kpi"], m["baseline"], m["target"], m["decimals"], rng)
        primary = SERVICES[m["service"].split("-", 1)[1]][2][0] == m["kpi"]
        series.append(dict(m, values=values, primary=primary, show_bt=rng.random() < 0.45))
    used = {m["kpi"] for m in model}
    pool = [k for k in COUNTRY_KPI_POOL if k not in used]
    country_kpis = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
    if code == "PER" and "CLIENT.SAT.PCT" not in used and "CLIENT.SAT.PCT" not in country_kpis:
        country_kpis.append("CLIENT.SAT.PCT")
    for kpi in [k for k in COUNTRY_KPI_POOL if k in country_kpis]:
        b, t, dec = kpi_plan(kpi, rng, cfg["scale"])
        series.append(dict(service=None, kpi=kpi, baseline=b, target=t, decimals=dec, plan=None, primary=False,
                           values=kpi_path(kpi, b, t, dec, rng), show_bt=rng.random() < 0.45))
    respondents = {id(s): rng.randint(25, 120) if s["service"] else round(rng.randint(60, 300) * min(cfg["scale"], 1.3))
                   for s in series}
    spend_usd = {id(s): rng.uniform(150_000, 2_500_000) * cfg["scale"] for s in series}

    reports = {}
    for qi, (year, q) in enumerate(QUARTERS):
        if (code, (year, q)) in SKIPPED:
            continue
        last_month = 3 * q
        values = [{"kpi": "CS.ACTIVE", "value": len(listed)}]
        for svc in listed:
            usd = plans[svc["id"]][year] / 4 * min(1.2, rng.uniform(0.6, 1.05) + 0.02 * qi)
            ca = {"kpi": "CA", "commonService": svc["id"], "value": to_local(usd, currency, year, last_month)}
            if code in SENSITIVE_CA_COUNTRIES:
                ca["classification"] = "SENSITIVE"
            values.append(ca)
            for s in series:
                always = s["primary"] or svc["id"].split("-", 1)[1] in ALWAYS_BOTH_KPIS
                if s["service"] == svc["id"] and (always or rng.random() < 0.8):
                    values.append(kpi_value(code, s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng))
        for s in series:
            if s["service"] is None:
                if s["kpi"] == "CLIENT.SAT.PCT":
                    include = q in (2, 4)  # half-yearly client survey
                else:
                    include = rng.random() < 0.8
                if include:
                    values.append(kpi_value(code, s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng))
        doc = {
            "documentType": "kpi-report",
            "schemaVersion": "1.0",
            "country": code,
            "period": f"{year}-Q{q}",
            "revision": 1,
            "currency": currency,
        }
        if (code, (year, q)) in INTERNAL_REPORTS:
            doc["classification"] = "INTERNAL"
        elif code == "COL":
            doc["classification"] = "PUBLIC"
        doc["preparedBy"] = {"agency": cfg["chair"], "contact": f"omt.{cfg['slug']}@example.org"}
        doc["commonServices"] = copy.deepcopy(listed)
        doc["values"] = values
        reports[(year, q)] = doc
    return reports


def kpi_value(code, s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng):
    kpi = s["kpi"]
    v = {"kpi": kpi}
    if s["service"]:
        v["commonService"] = s["service"]
    value = s["values"][qi]
    baseline, target = s["baseline"], s["target"]
    if s["plan"] is not None:
        target = target_for(s["plan"], year)
        baseline = s["plan"].get("baseline")
    show_bt = s["show_bt"] and baseline is not None
    local = LOCAL_CODES.get((code, kpi))
    if local:
        local_code, divisor, dec, comment = local
        v["kpi"] = local_code
        v["value"] = num(value / divisor, dec)
        if show_bt:
            v["baseline"] = num(baseline / divisor, dec)
            v["target"] = num(target / divisor, dec)
    else:
        v["value"] = value
        if show_bt:
            v["baseline"] = num(baseline, 2)
            v["target"] = num(target, 2)
        comment = None
    if kpi in WEIGHTED and rng.random() > 0.035:
        if kpi == "ADMIN.CP.PCT":
            personnel = round(cfg["personnel"] * (1 + 0.012 * qi + rng.uniform(-0.02, 0.02)))
            v["denominator"] = personnel
            if rng.random() < 0.4:
                comment = comment or f"{personnel} personnel in total."
        elif kpi == "CLIENT.SAT.PCT":
            n = max(12, round(respondents[id(s)] * rng.uniform(0.85, 1.15)))
            v["denominator"] = n
            if rng.random() < 0.4:
                comment = comment or f"Client survey, {n} respondents."
        else:  # PROC.PRICE.PCT, weighted by the spend under joint tenders, in the report currency
            v["denominator"] = round_sig(to_local(spend_usd[id(s)] * rng.uniform(0.9, 1.1), currency, year, last_month))
            if rng.random() < 0.4:
                comment = comment or f"Weighted by joint-tender spend in {currency}."
    elif kpi in WEIGHTED and rng.random() < 0.5:
        comment = comment or "Weight not available this quarter."
    if comment and (local or rng.random() < 0.7):
        v["comment"] = comment
    return v


# ------------------------------------------------------------------------------ special cases
def find_value(doc, kpi, service=None):
    for v in doc["values"]:
        if v["kpi"] == kpi and (service is None or v.get("commonService") == service):
            return v
    raise KeyError(f"{doc['country']} {doc['period']}: no {kpi} value for {service}")


def apply_special_cases(reports):
    """Returns {(country, (year, q)): [r1, r2, ...]}."""
    out = {key: [doc] for key, doc in reports.items()}

    # COL 2025-Q1: r1 counted the travel agency savings twice and gave a KPI that r2 withdraws.
    base = reports[("COL", (2025, 1))]
    r1, r2 = copy.deepcopy(base), copy.deepcopy(base)
    find_value(r1, "CA", "COL-PROC-TRAVEL")["value"] *= 2
    ca = find_value(r2, "CA", "COL-PROC-TRAVEL")
    ca["comment"] = "Corrected: revision 1 counted the travel agency savings of the quarter twice."
    droppable = [v for v in r2["values"] if v["kpi"] not in ("CA", "CS.ACTIVE")]
    dropped = next((v for v in droppable if "commonService" not in v), droppable[-1])
    r2["values"].remove(dropped)
    r2["revision"] = 2
    out[("COL", (2025, 1))] = [r1, r2]

    # ECU 2025-Q4: r1 lacked the December fuel invoices of the shared fleet; r2 completes them.
    base = reports[("ECU", (2025, 4))]
    r1, r2 = copy.deepcopy(base), copy.deepcopy(base)
    find_value(r1, "CA", "ECU-LOG-FLEET")["value"] = round(find_value(base, "CA", "ECU-LOG-FLEET")["value"] * 0.7)
    find_value(r1, "LOG.FUEL.LITRES", "ECU-LOG-FLEET")["value"] = round(
        find_value(base, "LOG.FUEL.LITRES", "ECU-LOG-FLEET")["value"] * 0.68)
    find_value(r2, "LOG.FUEL.LITRES", "ECU-LOG-FLEET")["comment"] = "Includes the December fuel invoices missing from revision 1."
    r2["revision"] = 2
    out[("ECU", (2025, 4))] = [r1, r2]

    # Values the hub rejects one by one (the rest of each document is accepted).
    doc = reports[BAD_PERCENT]
    pct = next(v for v in doc["values"] if KPI_UNITS.get(v["kpi"]) == "PERCENT" and "commonService" in v)
    pct["value"] = 104.5
    doc = reports[BAD_COUNT]
    find_value(doc, "LOG.FLEET.SHARED", "HND-LOG-FLEET")["value"] = 2.5
    doc = reports[BAD_REFERENCE]
    find_value(doc, "FIN.BANK.PCT", "URY-FIN-BANK")["commonService"] = "URY-FIN-BANKING"
    return out


# ----------------------------------------------------------------------------------- manifest
def received_times(all_reports, rng):
    """(country, period, revision) -> receivedAt for every KPI report."""
    firsts = sorted((c, yq) for (c, yq) in all_reports)
    n_late = round(LATE_SHARE * len(firsts))
    late = set(rng.sample(firsts, n_late))
    times = {}
    for c, (y, q) in firsts:
        end = quarter_end(y, q)
        limit_days = (RECEIVED_LIMIT.date() - end).days - 1
        days = rng.randint(35, min(90, limit_days)) if (c, (y, q)) in late else rng.randint(5, 25)
        t = at_time(end + timedelta(days=days), rng)
        for doc in all_reports[(c, (y, q))]:
            times[(c, (y, q), doc["revision"])] = t
            t = at_time(t.date() + timedelta(days=rng.randint(14, 35)), rng)
    return times, late


def bos_received(code, cfg, rng):
    if code == "COL":
        return datetime(2024, 2, 10, 15, 0, 0, tzinfo=timezone.utc)  # the example of the brief
    signed = date.fromisoformat(cfg["signed"] or cfg["drafted"])
    if signed >= date(2024, 1, 1):
        return at_time(signed + timedelta(days=rng.randint(10, 40)), rng)
    # Strategies signed before the hub existed were loaded when the country team joined it.
    return at_time(date(2024, 2, 12) + timedelta(days=rng.randint(0, 200)), rng)


# ------------------------------------------------------------------------------------- output
def write_json(path, doc):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check(entries, docs):
    listed = [e["file"] for e in entries]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    on_disk = sorted(str(p.relative_to(DEMO_DIR)) for p in DEMO_DIR.glob("*/*.json"))
    assert sorted(listed) == on_disk, "manifest and files differ"
    bad_refs = []
    for e in entries:
        doc = docs[e["file"]]
        assert e["receivedAt"] < stamp(RECEIVED_LIMIT)
        if doc["documentType"] != "kpi-report":
            continue
        ids = [s["id"] for s in doc["commonServices"]]
        assert len(ids) == len(set(ids))
        for v in doc["values"]:
            if "commonService" in v and v["commonService"] not in ids:
                bad_refs.append(e["file"])
            if v["kpi"] == "CA":
                assert isinstance(v["value"], int) and v["value"] >= 0, e["file"]
        end = quarter_end(int(doc["period"][:4]), int(doc["period"][-1]))
        assert e["receivedAt"] > end.isoformat(), e["file"]
    assert bad_refs == [f"kpi-report/{BAD_REFERENCE[0]}-{BAD_REFERENCE[1][0]}-Q{BAD_REFERENCE[1][1]}-r1.json"], bad_refs
    seen_bos = set()
    for e in entries:  # load order: a country's BOS before its reports, r1 before r2
        doc = docs[e["file"]]
        if doc["documentType"] == "bos":
            seen_bos.add(doc["country"])
        else:
            assert doc["country"] in seen_bos, e["file"]


def main():
    for sub in ("bos", "kpi-report"):
        for old in sorted((DEMO_DIR / sub).glob("*.json")):
            old.unlink()
    (DEMO_DIR / "manifest.json").unlink(missing_ok=True)

    docs, entries, all_reports, bos_times = {}, [], {}, {}
    for code in COUNTRY_ORDER:
        cfg = COUNTRIES[code]
        rng = random.Random(f"{SEED}:{code}")
        bos, plan_rate, model = build_bos(code, cfg, rng)
        versions = [bos]
        if code == "COL":
            versions.append(revise_col_bos(bos))
        current = versions[-1]
        reports = build_reports(code, cfg, current, plan_rate, model, rng)
        for yq, doc in reports.items():
            all_reports[(code, yq)] = doc
        t = bos_received(code, cfg, rng)
        for doc in versions:
            start, end = doc["cycle"]["start"], doc["cycle"]["end"]
            name = f"bos/{code}-{start}-{end}-r{doc['revision']}.json"
            docs[name] = doc
            if doc["revision"] == 2:
                t = datetime.fromisoformat(COL_BOS_REVISION["receivedAt"].replace("Z", "+00:00"))
            entries.append({"file": name, "receivedAt": stamp(t)})

    all_reports = apply_special_cases(all_reports)
    times, late = received_times(all_reports, random.Random(f"{SEED}:received"))
    for (code, (y, q)), versions in sorted(all_reports.items()):
        for doc in versions:
            name = f"kpi-report/{code}-{y}-Q{q}-r{doc['revision']}.json"
            docs[name] = doc
            entries.append({"file": name, "receivedAt": stamp(times[(code, (y, q), doc["revision"])])})

    # Load order = order of receipt (the hub's "as of" view then matches the load order).
    kind = {"bos": 0, "kpi-report": 1}
    entries.sort(key=lambda e: (e["receivedAt"], kind[docs[e["file"]]["documentType"]], e["file"]))
    for e in entries:
        write_json(DEMO_DIR / e["file"], docs[e["file"]])
    manifest = {
        "description": (
            "SYNTHETIC demo data set of romt-hub (seed/tools/gen_demo.py): BOS documents and quarterly "
            "KPI reports 2024-Q3 to 2026-Q2 of 14 country teams of Latin America and the Caribbean. "
            "Figures are invented. Load the documents in the order listed, each as received at "
            "receivedAt, after registering the local-code mappings."
        ),
        "mappings": MAPPINGS,
        "documents": entries,
    }
    write_json(DEMO_DIR / "manifest.json", manifest)
    check(entries, docs)

    n_bos = sum(1 for e in entries if e["file"].startswith("bos/"))
    print(f"wrote {n_bos} BOS and {len(entries) - n_bos} KPI reports ({len(late)} late) to {DEMO_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

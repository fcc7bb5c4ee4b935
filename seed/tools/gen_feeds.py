#!/usr/bin/env python3
"""Generate seed/feeds/: the documents of three country teams that publish their own feed.

Federation demo (DESIGN.md section 9): each folder seed/feeds/<CTRY>/ is the document folder of one
country team that is NOT in the demo data set of seed/demo/, served as a country feed by

    romt-hub country-node --dir seed/feeds/<CTRY> --bind ADDR

so that the hub pulls it like any other source. The figures are SYNTHETIC, like those of
seed/demo/ (plausible in magnitude and trend only, not the results of any real country team).

Output (every document valid against schemas/<documentType>.v1.schema.json, all PUBLIC):

  seed/feeds/<CTRY>/bos-<start>-<end>-r1.json       the country team's signed BOS
  seed/feeds/<CTRY>/kpi-report-<YYYY>-Q<n>-r1.json  quarterly KPI reports 2025-Q1 .. 2026-Q2

for CRI (CRC, cycle 2024-2028), PRY (PYG, 2025-2029) and SLV (USD, 2023-2027), and one deliberate
special case: seed/feeds/SLV/kpi-report-2026-Q2-draft-invalid.json is NOT valid against its schema
(period "2026-Q7", no currency); a country node must skip it and log it, and serve the rest.

The BOS are built with the helpers of gen_demo.py (same service templates, CBA model and rounding);
amounts are chosen in USD and converted with the synthetic rates of seed/reference/exchange-rates.csv:
BOS amounts at the rate of the month of signature, the CA value of a quarter at the rate of the
quarter's last month. Unlike the demo data set, these feeds hold no deliberate mistakes: every
weighted KPI value carries a denominator, every quarter is present, and no value is out of range.

Deterministic: fixed seed, one random stream per country team. Standard library only (Python 3.11).
The script removes the *.json files of seed/feeds/{CRI,PRY,SLV}/ before writing.

Usage: python3 seed/tools/gen_feeds.py
"""

import copy
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.dont_write_bytecode = True  # keep seed/tools/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_demo  # noqa: E402  (reads the reference CSVs; writes nothing on import)
from gen_demo import (  # noqa: E402
    COUNTRY_KPI_POOL, KPI_UNITS, SERVICES, WEIGHTED, build_bos, kpi_plan, num, round_sig, target_for, to_local,
    write_json,
)

SEED = 20250901
FEEDS_DIR = gen_demo.SEED_DIR / "feeds"
QUARTERS = [(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4)][:6]  # 2025-Q1 .. 2026-Q2
ALWAYS_BOTH_KPIS = gen_demo.ALWAYS_BOTH_KPIS

# Country teams of the feeds, in the configuration format of gen_demo.COUNTRIES.
COUNTRIES = {
    "CRI": dict(
        slug="costarica", city="San José", cycle=(2024, 2028), signed="2024-03-21", currency=None,
        chair="UNDP", scale=0.7, personnel=380,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO IOM UNWOMEN UNOPS UNEP ILO RCO",
        services=[("ADMIN-PREMISES", "UNDP", "CONTINUE"), ("PROC-TRAVEL", "UNICEF", None),
                  ("ICT-CONNECT", "UNDP", None), ("FIN-BANK", "UNDP", "NEW")]),
    "PRY": dict(
        slug="paraguay", city="Asunción", cycle=(2025, 2029), signed="2025-02-13", currency=None,
        chair="UNFPA", scale=0.5, personnel=210,
        agencies="UNDP UNICEF UNFPA FAO PAHO UNWOMEN OHCHR ILO UNESCO UNOPS RCO",
        services=[("PROC-TRAVEL", "UNDP", "CONTINUE"), ("ICT-CONNECT", "UNICEF", None),
                  ("PROC-LTA", "UNFPA", "NEW")]),
    "SLV": dict(
        slug="elsalvador", city="San Salvador", cycle=(2023, 2027), signed="2023-05-09", currency=None,
        chair="WFP", scale=0.8, personnel=440,
        agencies="UNDP UNICEF UNFPA UNHCR FAO PAHO WFP IOM UNWOMEN OHCHR UNODC ILO RCO",
        services=[("LOG-FLEET", "WFP", "SCALE_UP"), ("PROC-FUEL", "WFP", None),
                  ("ADMIN-SECURITY", "UNDP", None), ("HR-ROSTER", "UNFPA", None)]),
}
COUNTRY_ORDER = ["CRI", "PRY", "SLV"]

INVALID = ("SLV", (2026, 2), "kpi-report-2026-Q2-draft-invalid.json")


def kpi_path(kpi, baseline, target, decimals, rng):
    """One value per quarter of QUARTERS, moving from near the baseline towards the target
    (gen_demo.kpi_path for this script's quarters)."""
    p0, p1 = rng.uniform(0.05, 0.35), rng.uniform(0.75, 1.1)
    noise = 0.02 if kpi == "ICT.UPTIME.PCT" else 0.05
    values = []
    for i in range(len(QUARTERS)):
        p = p0 + (p1 - p0) * i / (len(QUARTERS) - 1) + rng.gauss(0, noise)
        v = baseline + p * (target - baseline)
        if KPI_UNITS[kpi] == "PERCENT":
            v = min(v, 99.5)
        if kpi == "ICT.UPTIME.PCT":
            v = min(max(v, 97.0), 99.95)
        values.append(num(max(v, 0.0), decimals))
    return values


def build_reports(code, cfg, bos, plan_rate, model, rng):
    currency = bos["currency"]
    plans = {s["id"]: {p["year"]: float(Decimal(p["amount"]) / plan_rate) for p in s["plannedCostAvoidance"]}
             for s in bos["commonServices"]}
    listed = [{"id": s["id"], "name": s["name"], "serviceLine": s["serviceLine"], "leadAgency": s["leadAgency"],
               "clientAgencies": list(s["clientAgencies"]), "status": "ACTIVE"} for s in bos["commonServices"]]

    series = []
    for m in model:
        primary = SERVICES[m["service"].split("-", 1)[1]][2][0] == m["kpi"]
        series.append(dict(m, values=kpi_path(m["kpi"], m["baseline"], m["target"], m["decimals"], rng),
                           primary=primary, show_bt=rng.random() < 0.5))
    used = {m["kpi"] for m in model}
    pool = [k for k in COUNTRY_KPI_POOL if k not in used]
    chosen = set(rng.sample(pool, min(len(pool), rng.randint(2, 3))))
    for kpi in [k for k in COUNTRY_KPI_POOL if k in chosen]:
        b, t, dec = kpi_plan(kpi, rng, cfg["scale"])
        series.append(dict(service=None, kpi=kpi, baseline=b, target=t, decimals=dec, plan=None, primary=False,
                           values=kpi_path(kpi, b, t, dec, rng), show_bt=rng.random() < 0.5))
    respondents = {id(s): rng.randint(25, 90) if s["service"] else rng.randint(60, 220) for s in series}
    spend_usd = {id(s): rng.uniform(150_000, 1_800_000) * cfg["scale"] for s in series}

    reports = {}
    for qi, (year, q) in enumerate(QUARTERS):
        last_month = 3 * q
        values = [{"kpi": "CS.ACTIVE", "value": len(listed)}]
        for svc in listed:
            usd = plans[svc["id"]][year] / 4 * min(1.2, rng.uniform(0.65, 1.05) + 0.02 * qi)
            values.append({"kpi": "CA", "commonService": svc["id"], "value": to_local(usd, currency, year, last_month)})
            for s in series:
                always = s["primary"] or svc["id"].split("-", 1)[1] in ALWAYS_BOTH_KPIS
                if s["service"] == svc["id"] and (always or rng.random() < 0.8):
                    values.append(kpi_value(s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng))
        for s in series:
            if s["service"] is None:
                include = q in (2, 4) if s["kpi"] == "CLIENT.SAT.PCT" else rng.random() < 0.85
                if include:
                    values.append(kpi_value(s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng))
        reports[(year, q)] = {
            "documentType": "kpi-report",
            "schemaVersion": "1.0",
            "country": code,
            "period": f"{year}-Q{q}",
            "revision": 1,
            "currency": currency,
            "classification": "PUBLIC",
            "preparedBy": {"agency": cfg["chair"], "contact": f"omt.{cfg['slug']}@example.org"},
            "commonServices": copy.deepcopy(listed),
            "values": values,
        }
    return reports


def kpi_value(s, qi, year, last_month, currency, respondents, spend_usd, cfg, rng):
    """One KPI value; a WEIGHTED_MEAN KPI always carries its denominator."""
    kpi = s["kpi"]
    v = {"kpi": kpi}
    if s["service"]:
        v["commonService"] = s["service"]
    v["value"] = s["values"][qi]
    baseline, target = s["baseline"], s["target"]
    if s["plan"] is not None:
        target = target_for(s["plan"], year)
        baseline = s["plan"].get("baseline")
    if s["show_bt"] and baseline is not None:
        v["baseline"] = num(baseline, 2)
        v["target"] = num(target, 2)
    comment = None
    if kpi == "ADMIN.CP.PCT":
        personnel = round(cfg["personnel"] * (1 + 0.01 * qi + rng.uniform(-0.02, 0.02)))
        v["denominator"] = personnel
        comment = f"{personnel} personnel in total."
    elif kpi == "CLIENT.SAT.PCT":
        n = max(12, round(respondents[id(s)] * rng.uniform(0.85, 1.15)))
        v["denominator"] = n
        comment = f"Client survey, {n} respondents."
    elif kpi == "PROC.PRICE.PCT":
        v["denominator"] = round_sig(to_local(spend_usd[id(s)] * rng.uniform(0.9, 1.1), currency, year, last_month))
        comment = f"Weighted by joint-tender spend in {currency}."
    if comment and rng.random() < 0.5:
        v["comment"] = comment
    return v


def invalid_copy(doc):
    """The deliberately schema-invalid draft: an impossible quarter and no currency."""
    bad = copy.deepcopy(doc)
    bad["period"] = "2026-Q7"
    del bad["currency"]
    return bad


def check(docs):
    """Semantic sanity of the valid documents (the schemas are checked separately)."""
    for name, doc in docs.items():
        if doc["documentType"] == "bos":
            years = list(range(doc["cycle"]["start"], doc["cycle"]["end"] + 1))
            assert doc["status"] == "SIGNED" and doc["signedOn"], name
            assert 3 <= len(doc["commonServices"]) <= 4, name
            for s in doc["commonServices"]:
                assert [p["year"] for p in s["plannedCostAvoidance"]] == years, name
                assert s["kpis"], name
            continue
        ids = [s["id"] for s in doc["commonServices"]]
        assert len(ids) == len(set(ids)), name
        assert doc["classification"] == "PUBLIC", name
        for v in doc["values"]:
            unit = KPI_UNITS[v["kpi"]]
            assert "commonService" not in v or v["commonService"] in ids, name
            assert v["value"] >= 0, name
            if unit == "PERCENT":
                assert v["value"] <= 100, name
            if unit == "COUNT" or v["kpi"] == "CA":
                assert isinstance(v["value"], int), name
            if v["kpi"] in WEIGHTED:
                assert v.get("denominator", 0) > 0, name
        assert sum(1 for v in doc["values"] if v["kpi"] == "CS.ACTIVE") == 1, name
        assert {v["commonService"] for v in doc["values"] if v["kpi"] == "CA"} == set(ids), name


def main():
    total = 0
    for code in COUNTRY_ORDER:
        cfg = COUNTRIES[code]
        out = FEEDS_DIR / code
        for old in sorted(out.glob("*.json")):
            old.unlink()
        rng = random.Random(f"{SEED}:{code}")
        bos, plan_rate, model = build_bos(code, cfg, rng)
        docs = {f"bos-{bos['cycle']['start']}-{bos['cycle']['end']}-r1.json": bos}
        for (y, q), doc in build_reports(code, cfg, bos, plan_rate, model, rng).items():
            docs[f"kpi-report-{y}-Q{q}-r1.json"] = doc
        check(docs)
        if code == INVALID[0]:
            docs[INVALID[2]] = invalid_copy(docs[f"kpi-report-{INVALID[1][0]}-Q{INVALID[1][1]}-r1.json"])
        for name in sorted(docs):
            write_json(out / name, docs[name])
        total += len(docs)
        print(f"{code}: {len(docs)} files ({bos['currency']}, cycle {bos['cycle']['start']}-{bos['cycle']['end']})")
    print(f"wrote {total} files to {FEEDS_DIR} (1 deliberately invalid: {INVALID[0]}/{INVALID[2]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The spreadsheet round trip as a user's own tools see it (issue 11), against a running hub.

1. A COL 2026-Q2 template, filled with openpyxl as an officer would (values typed into the value
   column of a few rows, one of them as Spanish text, a row added at the bottom, a percent of
   120), submitted over REST: stored ACCEPTED_WITH_WARNINGS, the bad value's cell named, the
   stored values what was typed (money converted to USD at the rate the hub shows).
2. The regional XLSX for 2025 opens in openpyxl and in LibreOffice (headless CSV conversion),
   and its totals equal dashboard(year: 2025) for the same caller, anonymous and analyst.

Environment: HUB_URL, COUNTRY_TOKEN (COL), ANALYST_TOKEN; SOFFICE (default: soffice).
Exits non-zero with a message on the first mismatch.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from decimal import Decimal

import openpyxl

HUB = os.environ["HUB_URL"].rstrip("/")
COUNTRY = os.environ["COUNTRY_TOKEN"]
ANALYST = os.environ["ANALYST_TOKEN"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fail(message):
    print(f"spreadsheet round trip FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def call(method, path, token=None, body=None, content_type=None):
    request = urllib.request.Request(HUB + path, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def graphql(query, token=None, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    status, text = call("POST", "/graphql", token, body, "application/json")
    answer = json.loads(text)
    if status != 200 or answer.get("errors"):
        fail(f"GraphQL {query[:60]}: {status} {answer}")
    return answer["data"]


def columns(sheet):
    """Field keys of row 2 -> column numbers (1-based, as openpyxl counts)."""
    return {cell.value: cell.column for cell in sheet[2] if isinstance(cell.value, str)}


def find_row(sheet, keys, **wanted):
    for row in range(3, sheet.max_row + 1):
        if all(sheet.cell(row, keys[k]).value == v for k, v in wanted.items()):
            return row
    fail(f"no row {wanted} in {sheet.title}")


def fill_and_submit():
    status, body = call("GET", "/api/v1/templates/kpi-report?country=COL&period=2026-Q2&lang=es", COUNTRY)
    if status != 200:
        fail(f"template: {status} {body[:200]}")
    book = openpyxl.load_workbook(io.BytesIO(body))
    values = book["Values"]
    keys = columns(values)
    ca = find_row(values, keys, kpi="CA", commonService="COL-PROC-TRAVEL")
    values.cell(ca, keys["value"]).value = 98765432.1
    lead = find_row(values, keys, kpi="PROC.LEADTIME", commonService="COL-PROC-TRAVEL")
    values.cell(lead, keys["value"]).value = "14,5"  # typed as text, the Spanish way
    pct = find_row(values, keys, kpi="ADMIN.CP.PCT")
    values.cell(pct, keys["value"]).value = 120
    values.cell(pct, keys["denominator"]).value = 300
    added = values.max_row + 1
    values.cell(added, keys["kpi"]).value = "CS.ACTIVE"
    values.cell(added, keys["value"]).value = 4
    report = book["Report"]
    for row in range(1, report.max_row + 1):
        if report.cell(row, 1).value == "preparedBy.agency":
            report.cell(row, 2).value = "UNDP"
        if report.cell(row, 1).value == "preparedBy.contact":
            report.cell(row, 2).value = "omt.col@example.org"
    out = io.BytesIO()
    book.save(out)

    status, text = call("POST", "/api/v1/submissions?filename=COL-2026-Q2.xlsx", COUNTRY, out.getvalue(), XLSX)
    receipt = json.loads(text)
    if status != 201 or receipt["status"] != "ACCEPTED_WITH_WARNINGS":
        fail(f"submission: {status} {json.dumps(receipt, ensure_ascii=False)}")
    column = openpyxl.utils.get_column_letter(keys["value"])
    bad = [(p["code"], p.get("cell")) for p in receipt["rejectedValues"]]
    if bad != [("PERCENT_OUT_OF_RANGE", f"Values!{column}{pct}")]:
        fail(f"rejected values {bad}, expected the percent at Values!{column}{pct}")

    data = graphql(
        "query($id: ID!) { submission(id: $id) { workbook { name } values { kpi commonService value reportedValue fxRate } } }",
        COUNTRY,
        {"id": receipt["id"]},
    )["submission"]
    if data["workbook"]["name"] != "COL-2026-Q2.xlsx":
        fail(f"lineage {data['workbook']}")
    stored = {(v["kpi"], v["commonService"]): v for v in data["values"]}
    typed = {("CA", "COL-PROC-TRAVEL"): "98765432.1", ("PROC.LEADTIME", "COL-PROC-TRAVEL"): "14.5", ("CS.ACTIVE", None): "4"}
    if set(stored) != set(typed):
        fail(f"stored {sorted(stored, key=str)}, typed {sorted(typed, key=str)}")
    for key, text in typed.items():
        if Decimal(stored[key]["reportedValue"]) != Decimal(text):
            fail(f"{key}: stored {stored[key]['reportedValue']}, typed {text}")
    ca = stored[("CA", "COL-PROC-TRAVEL")]
    usd = Decimal(ca["reportedValue"]) / Decimal(ca["fxRate"])
    if abs(Decimal(ca["value"]) - usd) > Decimal("0.01"):
        fail(f"CA in USD {ca['value']}, expected {usd} at rate {ca['fxRate']}")
    print(f"template filled with openpyxl {openpyxl.__version__}: stored, percent refused at Values!{column}{pct}")


def regional_totals():
    soffice = os.environ.get("SOFFICE", "soffice")
    query = "{ dashboard(year: 2025) { costAvoidanceUsd plannedCostAvoidanceUsd } }"
    for who, token in (("anonymous", None), ("analyst", ANALYST)):
        dashboard = graphql(query, token)["dashboard"]
        status, body = call("GET", "/api/v1/exports/regional?year=2025&format=xlsx", token)
        if status != 200:
            fail(f"regional export ({who}): {status}")
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        expected = ["Summary", "ByKpi", "ByCountry", "PlannedVsRealized", "Completeness", "DataQuality",
                    "QualityByCountry", "Notes"]
        if book.sheetnames != expected:
            fail(f"sheets {book.sheetnames}")
        quality = list(book["QualityByCountry"].iter_rows(min_row=2, values_only=True))
        if not quality or any(not all(isinstance(n, int) for n in row[3:8]) for row in quality):
            fail(f"QualityByCountry: {quality[:3]}")
        summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
        figures = {
            "Cost avoidance realized (USD)": dashboard["costAvoidanceUsd"],
            "Cost avoidance planned (USD)": dashboard["plannedCostAvoidanceUsd"],
        }
        for label, figure in figures.items():
            if abs(Decimal(str(summary[label])) - Decimal(figure)) > Decimal("0.005"):
                fail(f"{who}: {label} {summary[label]} in openpyxl, dashboard {figure}")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "regional.xlsx")
            with open(path, "wb") as f:
                f.write(body)
            profile = "file://" + os.path.join(folder, "profile")
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "csv", "--outdir", folder, path],
                check=True, capture_output=True, timeout=180,
            )
            with open(os.path.join(folder, "regional.csv"), encoding="utf-8", errors="replace") as f:
                rows = {r[0]: r[1] for r in csv.reader(f) if len(r) > 1}
        for label, figure in figures.items():
            shown = Decimal(rows[label].replace(",", "").replace("$", "").strip())
            if abs(shown - Decimal(figure)) > Decimal("0.005"):
                fail(f"{who}: {label} {rows[label]} in LibreOffice, dashboard {figure}")
        print(f"regional 2025 ({who}): openpyxl and LibreOffice agree with the dashboard: {figures}")


if __name__ == "__main__":
    fill_and_submit()
    regional_totals()
    print("spreadsheet round trip: ok")

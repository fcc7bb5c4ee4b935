//! Documents for tests.

use serde_json::{Value, json};

/// A valid COL kpi-report for `period` and `revision`, in COP, with a CA value tied to a
/// common service, a lead time and a weighted percentage.
pub fn kpi_report(period: &str, revision: i64) -> Value {
    json!({
        "documentType": "kpi-report",
        "schemaVersion": "1.0",
        "country": "COL",
        "period": period,
        "revision": revision,
        "currency": "COP",
        "preparedBy": { "agency": "UNDP", "contact": "omt@example.org" },
        "commonServices": [{
            "id": "COL-PROC-TRAVEL", "name": "Common travel agency LTA", "serviceLine": "PROCUREMENT",
            "leadAgency": "UNDP", "clientAgencies": ["UNICEF", "UNFPA"], "status": "ACTIVE"
        }],
        "values": [
            { "kpi": "CA", "commonService": "COL-PROC-TRAVEL", "value": 125000000 },
            { "kpi": "PROC.LEADTIME", "commonService": "COL-PROC-TRAVEL", "value": 12, "baseline": 20, "target": 10 },
            { "kpi": "ADMIN.CP.PCT", "value": 62.5, "denominator": 480 }
        ]
    })
}

/// The same report with its values replaced.
pub fn with_values(mut document: Value, values: Value) -> Value {
    document["values"] = values;
    document
}

/// A valid COL BOS for 2023–2027.
pub fn bos(revision: i64) -> Value {
    json!({
        "documentType": "bos", "schemaVersion": "1.0", "country": "COL", "revision": revision,
        "cycle": { "start": 2023, "end": 2027 }, "status": "SIGNED", "signedOn": "2023-04-12",
        "currency": "USD",
        "commonServices": [{
            "id": "COL-PROC-TRAVEL", "name": "Common travel agency LTA", "serviceLine": "PROCUREMENT",
            "leadAgency": "UNDP", "clientAgencies": ["UNICEF", "UNFPA", "WFP", "PAHO"],
            "modality": "IN_HOUSE", "stockTakeAction": "SCALE_UP",
            "cba": { "oneTimeCost": { "monetary": 0, "labour": 3600 },
                     "annualCost": { "monetary": 0, "labour": 0 },
                     "annualBenefit": { "monetary": 21000, "labour": 9600 } },
            "plannedCostAvoidance": [ { "year": 2024, "amount": 30600 }, { "year": 2025, "amount": 30600 } ],
            "kpis": [ { "kpi": "PROC.LEADTIME", "baseline": 20,
                        "targets": [ { "year": 2025, "value": 15 }, { "year": 2027, "value": 10 } ] } ]
        }]
    })
}

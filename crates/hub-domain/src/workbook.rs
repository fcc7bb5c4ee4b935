//! The workbook layout of DESIGN §14, shared by the templates that write it (hub-export) and the
//! importer that reads it (hub-ingest): sheet names, the field keys of row 2, bilingual labels,
//! and cell references.
//!
//! A sheet of records has labels in row 1, field keys in row 2 and data from row 3; the importer
//! finds columns by their key, so labels may be in any language, columns in any order and rows
//! may be added. `Report` is a list of `key | value | label` rows instead.

use crate::i18n::Lang;

/// How to fill and send the workbook.
pub const INSTRUCTIONS: &str = "Instructions";
/// The document's header fields, one per row: key, value, label.
pub const REPORT: &str = "Report";
/// The common services.
pub const SERVICES: &str = "Services";
/// The KPI values of a report.
pub const VALUES: &str = "Values";
/// The planned cost avoidance of a BOS, per service and year.
pub const PLANNED: &str = "PlannedCostAvoidance";
/// The KPI targets of a BOS, per service, KPI and year.
pub const TARGETS: &str = "Targets";
/// The lists behind the dropdowns (hidden).
pub const LISTS: &str = "Lists";

/// Row (0-based) of the labels of a record sheet.
pub const LABEL_ROW: u32 = 0;
/// Row (0-based) of the field keys.
pub const KEY_ROW: u32 = 1;
/// First row (0-based) of the data.
pub const FIRST_DATA_ROW: u32 = 2;

/// Header fields of a kpi-report, in the order the template lists them.
pub const KPI_REPORT_FIELDS: &[&str] = &[
    "documentType",
    "schemaVersion",
    "language",
    "country",
    "period",
    "revision",
    "currency",
    "classification",
    "preparedBy.agency",
    "preparedBy.contact",
];

/// Header fields of a BOS.
pub const BOS_FIELDS: &[&str] = &[
    "documentType",
    "schemaVersion",
    "language",
    "country",
    "revision",
    "cycle.start",
    "cycle.end",
    "status",
    "signedOn",
    "currency",
    "classification",
    "preparedBy.agency",
    "preparedBy.contact",
];

/// Columns of the `Services` sheet of a kpi-report.
pub const KPI_REPORT_SERVICE_KEYS: &[&str] = &[
    "id",
    "name",
    "serviceLine",
    "leadAgency",
    "clientAgencies",
    "status",
];

/// Columns of the `Services` sheet of a BOS.
pub const BOS_SERVICE_KEYS: &[&str] = &[
    "id",
    "name",
    "serviceLine",
    "leadAgency",
    "clientAgencies",
    "modality",
    "stockTakeAction",
    "cba.oneTimeCost.monetary",
    "cba.oneTimeCost.labour",
    "cba.annualCost.monetary",
    "cba.annualCost.labour",
    "cba.annualBenefit.monetary",
    "cba.annualBenefit.labour",
];

/// Columns of the `Values` sheet.
pub const VALUE_KEYS: &[&str] = &[
    "kpi",
    "commonService",
    "value",
    "baseline",
    "target",
    "denominator",
    "classification",
    "comment",
];

/// Columns of the `PlannedCostAvoidance` sheet.
pub const PLANNED_KEYS: &[&str] = &["commonService", "year", "amount"];

/// Columns of the `Targets` sheet.
pub const TARGET_KEYS: &[&str] = &["commonService", "kpi", "baseline", "year", "value"];

/// Columns the template adds for the reader's help (unit and name of the KPI); the importer
/// ignores them, as it ignores any column without a known key.
pub const HELP_KEYS: &[&str] = &["_unit", "_name"];

/// The label of a field key in `lang` (the key itself for an unknown one).
pub fn label(key: &str, lang: Lang) -> &str {
    let (en, es) = match key {
        "documentType" => ("Document type", "Tipo de documento"),
        "schemaVersion" => ("Schema version", "Versión del esquema"),
        "language" => ("Language of this workbook", "Idioma de este libro"),
        "country" => ("Country team (ISO code)", "Equipo de país (código ISO)"),
        "period" => ("Quarter (e.g. 2026-Q2)", "Trimestre (p. ej. 2026-Q2)"),
        "revision" => ("Revision", "Revisión"),
        "currency" => ("Currency (ISO 4217)", "Moneda (ISO 4217)"),
        "classification" => ("Classification", "Clasificación"),
        "preparedBy.agency" => ("Prepared by (agency)", "Preparado por (entidad)"),
        "preparedBy.contact" => ("Contact e-mail", "Correo electrónico de contacto"),
        "cycle.start" => ("BOS cycle: first year", "Ciclo de la BOS: primer año"),
        "cycle.end" => ("BOS cycle: last year", "Ciclo de la BOS: último año"),
        "status" => ("Status", "Estado"),
        "signedOn" => ("Signed on (YYYY-MM-DD)", "Firmada el (AAAA-MM-DD)"),
        "id" => ("Service id", "Identificador del servicio"),
        "name" => ("Service name", "Nombre del servicio"),
        "serviceLine" => ("Service line", "Línea de servicio"),
        "leadAgency" => ("Lead agency", "Entidad líder"),
        "clientAgencies" => (
            "Client agencies (separated by commas)",
            "Entidades clientes (separadas por comas)",
        ),
        "modality" => ("Modality", "Modalidad"),
        "stockTakeAction" => ("Stock-take action", "Acción del balance (stock-take)"),
        "cba.oneTimeCost.monetary" => ("CBA one-time cost: money", "ACB costo único: monetario"),
        "cba.oneTimeCost.labour" => ("CBA one-time cost: labour", "ACB costo único: mano de obra"),
        "cba.annualCost.monetary" => ("CBA annual cost: money", "ACB costo anual: monetario"),
        "cba.annualCost.labour" => ("CBA annual cost: labour", "ACB costo anual: mano de obra"),
        "cba.annualBenefit.monetary" => (
            "CBA annual benefit: money",
            "ACB beneficio anual: monetario",
        ),
        "cba.annualBenefit.labour" => (
            "CBA annual benefit: labour",
            "ACB beneficio anual: mano de obra",
        ),
        "kpi" => ("KPI code", "Código del KPI"),
        "commonService" => ("Common service id", "Identificador del servicio común"),
        "value" => ("Value", "Valor"),
        "baseline" => ("Baseline", "Línea de base"),
        "target" => ("Target", "Meta"),
        "denominator" => ("Weight (denominator)", "Ponderación (denominador)"),
        "comment" => ("Comment", "Comentario"),
        "year" => ("Year", "Año"),
        "amount" => ("Amount (BOS currency)", "Monto (moneda de la BOS)"),
        "_unit" => ("Unit", "Unidad"),
        "_name" => ("KPI", "KPI"),
        _ => return key,
    };
    lang.pick(en, es)
}

/// The spreadsheet name of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The reference of a cell (0-based row and column) on a sheet: `Values!C7`.
pub fn cell_ref(sheet: &str, row: u32, col: u32) -> String {
    format!("{sheet}!{}{}", column_name(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(2), "C");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(cell_ref(VALUES, 6, 2), "Values!C7");
    }

    #[test]
    fn every_field_key_has_a_label_in_both_languages() {
        let keys = KPI_REPORT_FIELDS
            .iter()
            .chain(BOS_FIELDS)
            .chain(KPI_REPORT_SERVICE_KEYS)
            .chain(BOS_SERVICE_KEYS)
            .chain(VALUE_KEYS)
            .chain(PLANNED_KEYS)
            .chain(TARGET_KEYS)
            .chain(HELP_KEYS);
        for key in keys {
            assert_ne!(label(key, Lang::En), *key, "{key} has no English label");
            assert_ne!(label(key, Lang::Es), *key, "{key} has no Spanish label");
        }
    }
}

//! The workbooks a country OMT fills in (DESIGN §14): a `kpi-report` template for one quarter and
//! a `bos` template, pre-filled from the country's current BOS and the KPI catalogue, with
//! instructions in the chosen language, dropdowns for codes and number rules per unit. The
//! layout (sheet names, row-2 field keys) is `hub_domain::workbook`, the one the importer reads.

use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::{KpiDefinition, ServiceLine, Unit};
use hub_domain::i18n::Lang;
use hub_domain::submission::{BosStatus, CommonServiceStatus, Modality, StockTakeAction};
use hub_domain::workbook::{
    self as layout, BOS_FIELDS, BOS_SERVICE_KEYS, FIRST_DATA_ROW, HELP_KEYS, INSTRUCTIONS, KEY_ROW,
    KPI_REPORT_FIELDS, KPI_REPORT_SERVICE_KEYS, LABEL_ROW, LISTS, PLANNED, PLANNED_KEYS, REPORT,
    SERVICES, TARGET_KEYS, TARGETS, VALUE_KEYS, VALUES, column_name,
};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatBorder,
    Formula, Workbook, Worksheet,
};

use crate::writer::ExportError;

/// Rows the dropdowns and rules cover below the pre-filled ones, for rows a user adds.
const SPARE_ROWS: u32 = 200;

/// A common service as the template lists it (from the country's current BOS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateService {
    pub id: String,
    pub name: String,
    pub service_line: ServiceLine,
    pub lead_agency: String,
    pub client_agencies: Vec<String>,
    pub modality: Option<Modality>,
    pub stock_take_action: Option<StockTakeAction>,
    /// One-time, annual cost and annual benefit: (money, labour) each.
    pub cba: Option<[(Decimal, Decimal); 3]>,
}

/// A KPI target of a BOS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateTarget {
    pub service_id: String,
    pub kpi: String,
    pub baseline: Option<Decimal>,
    pub year: i32,
    pub target: Decimal,
}

/// A planned cost avoidance of a BOS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplatePlanned {
    pub service_id: String,
    pub year: i32,
    pub amount: Decimal,
}

/// What every template knows of its country.
#[derive(Debug, Clone)]
pub struct Country<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
}

/// The lists the dropdowns offer.
#[derive(Debug, Clone)]
pub struct Vocabulary<'a> {
    pub kpis: &'a [KpiDefinition],
    pub agencies: &'a [String],
    pub currencies: &'a [String],
}

/// A `kpi-report` template for one country and quarter.
#[derive(Debug, Clone)]
pub struct KpiReportTemplate<'a> {
    pub lang: Lang,
    pub country: Country<'a>,
    /// `YYYY-Qn`.
    pub period: &'a str,
    /// The revision to send: one above the current one (1 for a first report).
    pub revision: i32,
    pub services: &'a [TemplateService],
    /// Baselines and targets of the services for the quarter's year.
    pub targets: &'a [TemplateTarget],
    pub vocabulary: Vocabulary<'a>,
}

/// A `bos` template for one country.
#[derive(Debug, Clone)]
pub struct BosTemplate<'a> {
    pub lang: Lang,
    pub country: Country<'a>,
    pub revision: i32,
    /// The cycle of the current BOS, or the next five years.
    pub cycle: (i32, i32),
    pub services: &'a [TemplateService],
    pub planned: &'a [TemplatePlanned],
    pub targets: &'a [TemplateTarget],
    pub vocabulary: Vocabulary<'a>,
}

struct Formats {
    title: Format,
    label: Format,
    key: Format,
    input: Format,
    given: Format,
    help: Format,
    text: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0x00DD_E6F0))
            .set_border_bottom(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            label: header,
            key: Format::new()
                .set_font_color(Color::RGB(0x0070_7070))
                .set_italic()
                .set_font_size(9),
            input: Format::new()
                .set_background_color(Color::RGB(0x00FF_F7D6))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0x00C8_C8C8)),
            given: Format::new().set_background_color(Color::RGB(0x00F2_F2F2)),
            help: Format::new()
                .set_font_color(Color::RGB(0x0060_6060))
                .set_italic(),
            text: Format::new().set_text_wrap(),
        }
    }
}

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row_of(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The hidden sheet behind the dropdowns: one list per column.
struct Lists {
    columns: Vec<(&'static str, Vec<String>)>,
}

impl Lists {
    fn formula(&self, name: &str) -> Formula {
        let index = self
            .columns
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or(0);
        let len = self.columns.get(index).map_or(1, |(_, v)| v.len().max(1));
        let column = column_name(u32::try_from(index).unwrap_or(0));
        Formula::new(format!("={LISTS}!${column}$2:${column}${}", len + 1))
    }

    fn write(&self, workbook: &mut Workbook, f: &Formats) -> Result<(), ExportError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(LISTS)?;
        for (c, (name, values)) in self.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col(c), *name, &f.label)?;
            for (r, value) in values.iter().enumerate() {
                sheet.write_string(row_of(r + 1), col(c), value)?;
            }
        }
        sheet.set_hidden(true);
        Ok(())
    }
}

fn lists(vocabulary: &Vocabulary<'_>) -> Lists {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    Lists {
        columns: vec![
            (
                "kpi",
                vocabulary.kpis.iter().map(|k| k.code.to_string()).collect(),
            ),
            (
                "serviceLine",
                ServiceLine::ALL
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            (
                "classification",
                Classification::ALL
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
            ),
            (
                "serviceStatus",
                CommonServiceStatus::ALL
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            ("agency", vocabulary.agencies.to_vec()),
            (
                "modality",
                Modality::ALL
                    .iter()
                    .map(|m| m.as_str().to_owned())
                    .collect(),
            ),
            (
                "stockTakeAction",
                StockTakeAction::ALL
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            ("currency", vocabulary.currencies.to_vec()),
            (
                "bosStatus",
                BosStatus::ALL
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            ("language", strings(&["en", "es"])),
        ],
    }
}

fn list_rule(lists: &Lists, name: &str, lang: Lang) -> Result<DataValidation, ExportError> {
    Ok(DataValidation::new()
        .allow_list_formula(lists.formula(name))
        .set_error_title(lang.pick("Not in the list", "No está en la lista"))?
        .set_error_message(lang.pick(
            "Choose a value from the dropdown list.",
            "Elija un valor de la lista desplegable.",
        ))?)
}

/// The number rule of a value of `unit`.
fn unit_rule(unit: Unit, lang: Lang) -> Result<DataValidation, ExportError> {
    let (rule, en, es) = match unit {
        Unit::Percent => (
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
            "A percentage from 0 to 100 (write 12.5 for 12.5 %).",
            "Un porcentaje de 0 a 100 (escriba 12,5 para 12,5 %).",
        ),
        Unit::Count => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            "A whole number, 0 or more.",
            "Un número entero, 0 o más.",
        ),
        Unit::Usd => (
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            "An amount in the report's currency, 0 or more.",
            "Un monto en la moneda del informe, 0 o más.",
        ),
        Unit::Days | Unit::Litres => (
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            "A number, 0 or more.",
            "Un número, 0 o más.",
        ),
    };
    Ok(rule
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title(lang.pick("Value", "Valor"))?
        .set_input_message(lang.pick(en, es))?
        .set_error_title(lang.pick("Check the value", "Revise el valor"))?
        .set_error_message(lang.pick(en, es))?)
}

fn unit_label(unit: Unit, lang: Lang) -> &'static str {
    match unit {
        Unit::Usd => lang.pick("money (report currency)", "dinero (moneda del informe)"),
        Unit::Percent => lang.pick("percent (0-100)", "porcentaje (0-100)"),
        Unit::Days => lang.pick("days", "días"),
        Unit::Count => lang.pick("count", "número"),
        Unit::Litres => lang.pick("litres", "litros"),
    }
}

/// Writes labels (row 1) and field keys (row 2) of a record sheet, and sizes its columns.
fn record_header(
    sheet: &mut Worksheet,
    keys: &[&str],
    lang: Lang,
    f: &Formats,
) -> Result<(), ExportError> {
    for (c, key) in keys.iter().enumerate() {
        sheet.write_string_with_format(LABEL_ROW, col(c), layout::label(key, lang), &f.label)?;
        sheet.write_string_with_format(KEY_ROW, col(c), *key, &f.key)?;
        let width = match *key {
            "name" | "_name" | "comment" => 40.0,
            "clientAgencies" => 28.0,
            "kpi" | "commonService" | "id" => 22.0,
            _ => 16.0,
        };
        sheet.set_column_width(col(c), width)?;
    }
    sheet.set_row_height(LABEL_ROW, 32)?;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    Ok(())
}

/// Writes the `Report` sheet: field key, value, label per row.
fn report_sheet(
    workbook: &mut Workbook,
    rows: &[(&str, Option<String>, bool)],
    lang: Lang,
    lists: &Lists,
    f: &Formats,
) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(REPORT)?;
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(2, 44)?;
    for (r, (key, value, editable)) in rows.iter().enumerate() {
        let r = row_of(r);
        sheet.write_string_with_format(r, 0, *key, &f.key)?;
        let format = if *editable { &f.input } else { &f.given };
        match value {
            Some(value) => match value.parse::<f64>() {
                Ok(number) if matches!(*key, "revision" | "cycle.start" | "cycle.end") => {
                    sheet.write_number_with_format(r, 1, number, format)?;
                }
                _ => {
                    sheet.write_string_with_format(r, 1, value, format)?;
                }
            },
            None => {
                sheet.write_blank(r, 1, format)?;
            }
        }
        sheet.write_string_with_format(r, 2, layout::label(key, lang), &f.help)?;
        let list = match *key {
            "classification" => Some("classification"),
            "preparedBy.agency" => Some("agency"),
            "currency" => Some("currency"),
            "status" => Some("bosStatus"),
            "language" => Some("language"),
            _ => None,
        };
        if let Some(list) = list {
            sheet.add_data_validation(r, 1, r, 1, &list_rule(lists, list, lang)?)?;
        }
    }
    Ok(())
}

fn instructions(
    workbook: &mut Workbook,
    lang: Lang,
    title: &str,
    steps: &[&str],
    f: &Formats,
) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(INSTRUCTIONS)?;
    sheet.set_column_width(0, 110)?;
    sheet.write_string_with_format(0, 0, title, &f.title)?;
    for (i, step) in steps.iter().enumerate() {
        sheet.write_string_with_format(row_of(i + 2), 0, *step, &f.text)?;
    }
    let legend = lang.pick(
        "Yellow cells are yours to fill; grey cells are filled by the hub. Row 2 of each sheet holds the field keys the hub reads: do not change them. You may reorder columns and add rows.",
        "Las celdas amarillas son las que usted llena; las grises las llena el hub. La fila 2 de cada hoja contiene las claves de campo que lee el hub: no las cambie. Puede reordenar las columnas y agregar filas.",
    );
    sheet.write_string_with_format(row_of(steps.len() + 3), 0, legend, &f.help)?;
    sheet.set_active(true);
    Ok(())
}

fn services_sheet(
    workbook: &mut Workbook,
    keys: &[&str],
    services: &[TemplateService],
    lang: Lang,
    lists: &Lists,
    f: &Formats,
) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(SERVICES)?;
    record_header(sheet, keys, lang, f)?;
    for (i, service) in services.iter().enumerate() {
        let r = FIRST_DATA_ROW + row_of(i);
        for (c, key) in keys.iter().enumerate() {
            let c = col(c);
            let cba = |which: usize, labour: bool| {
                service
                    .cba
                    .map(|cba| if labour { cba[which].1 } else { cba[which].0 })
            };
            let number = match *key {
                "cba.oneTimeCost.monetary" => cba(0, false),
                "cba.oneTimeCost.labour" => cba(0, true),
                "cba.annualCost.monetary" => cba(1, false),
                "cba.annualCost.labour" => cba(1, true),
                "cba.annualBenefit.monetary" => cba(2, false),
                "cba.annualBenefit.labour" => cba(2, true),
                _ => None,
            };
            if let Some(number) = number {
                sheet.write_number_with_format(r, c, num(number), &f.input)?;
                continue;
            }
            let text = match *key {
                "id" => service.id.clone(),
                "name" => service.name.clone(),
                "serviceLine" => service.service_line.to_string(),
                "leadAgency" => service.lead_agency.clone(),
                "clientAgencies" => service.client_agencies.join(", "),
                "status" => CommonServiceStatus::Active.to_string(),
                "modality" => service.modality.map(|m| m.to_string()).unwrap_or_default(),
                "stockTakeAction" => service
                    .stock_take_action
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            sheet.write_string_with_format(r, c, &text, &f.input)?;
        }
    }
    let last = FIRST_DATA_ROW + row_of(services.len()) + SPARE_ROWS;
    for (c, key) in keys.iter().enumerate() {
        let list = match *key {
            "serviceLine" => Some("serviceLine"),
            "leadAgency" => Some("agency"),
            "status" => Some("serviceStatus"),
            "modality" => Some("modality"),
            "stockTakeAction" => Some("stockTakeAction"),
            _ => None,
        };
        if let Some(list) = list {
            sheet.add_data_validation(
                FIRST_DATA_ROW,
                col(c),
                last,
                col(c),
                &list_rule(lists, list, lang)?,
            )?;
        }
        if key.starts_with("cba.") {
            sheet.add_data_validation(
                FIRST_DATA_ROW,
                col(c),
                last,
                col(c),
                &unit_rule(Unit::Usd, lang)?,
            )?;
        }
    }
    Ok(())
}

/// The KPIs a report asks for: for each service, its cost avoidance and the KPIs of its service
/// line; then every other KPI once, at country level.
fn value_rows<'a>(
    services: &'a [TemplateService],
    kpis: &'a [KpiDefinition],
) -> Vec<(Option<&'a TemplateService>, &'a KpiDefinition)> {
    let mut rows = Vec::new();
    for service in services {
        for kpi in kpis {
            let applies =
                kpi.code.as_str() == "CA" || kpi.service_line == Some(service.service_line);
            if applies {
                rows.push((Some(service), kpi));
            }
        }
    }
    // Every other KPI once at country level: those of no service line, and those of a line
    // the country runs no common service in (common premises, say), so each KPI has a row.
    for kpi in kpis {
        let listed = rows.iter().any(|(_, k)| k.code == kpi.code);
        if !listed && kpi.code.as_str() != "CA" {
            rows.push((None, kpi));
        }
    }
    if services.is_empty()
        && let Some(ca) = kpis.iter().find(|k| k.code.as_str() == "CA")
    {
        rows.insert(0, (None, ca));
    }
    rows
}

fn values_sheet(
    workbook: &mut Workbook,
    template: &KpiReportTemplate<'_>,
    lists: &Lists,
    f: &Formats,
) -> Result<(), ExportError> {
    let lang = template.lang;
    let keys: Vec<&str> = VALUE_KEYS.iter().chain(HELP_KEYS).copied().collect();
    let sheet = workbook.add_worksheet();
    sheet.set_name(VALUES)?;
    record_header(sheet, &keys, lang, f)?;
    let position = |key: &str| col(keys.iter().position(|k| *k == key).unwrap_or(0));
    let rows = value_rows(template.services, template.vocabulary.kpis);
    for (i, (service, kpi)) in rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + row_of(i);
        let code = kpi.code.as_str();
        sheet.write_string_with_format(r, position("kpi"), code, &f.given)?;
        match service {
            Some(service) => {
                sheet.write_string_with_format(
                    r,
                    position("commonService"),
                    &service.id,
                    &f.given,
                )?;
            }
            None => {
                sheet.write_blank(r, position("commonService"), &f.given)?;
            }
        }
        sheet.write_blank(r, position("value"), &f.input)?;
        let target = service.and_then(|s| {
            template
                .targets
                .iter()
                .find(|t| t.service_id == s.id && t.kpi == code)
        });
        match target.and_then(|t| t.baseline) {
            Some(baseline) => {
                sheet.write_number_with_format(r, position("baseline"), num(baseline), &f.input)?;
            }
            None => {
                sheet.write_blank(r, position("baseline"), &f.input)?;
            }
        }
        match target {
            Some(t) => {
                sheet.write_number_with_format(r, position("target"), num(t.target), &f.input)?;
            }
            None => {
                sheet.write_blank(r, position("target"), &f.input)?;
            }
        }
        for key in ["denominator", "classification", "comment"] {
            sheet.write_blank(r, position(key), &f.input)?;
        }
        sheet.write_string_with_format(
            r,
            position("_unit"),
            unit_label(kpi.unit, lang),
            &f.help,
        )?;
        sheet.write_string_with_format(r, position("_name"), kpi.name_in(lang), &f.help)?;
        sheet.add_data_validation(
            r,
            position("value"),
            r,
            position("value"),
            &unit_rule(kpi.unit, lang)?,
        )?;
    }
    let last = FIRST_DATA_ROW + row_of(rows.len()) + SPARE_ROWS;
    let services = Formula::new(format!(
        "={SERVICES}!$A${}:$A${}",
        FIRST_DATA_ROW + 1,
        FIRST_DATA_ROW + row_of(template.services.len()).max(1) + SPARE_ROWS
    ));
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        position("kpi"),
        last,
        position("kpi"),
        &list_rule(lists, "kpi", lang)?,
    )?;
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        position("commonService"),
        last,
        position("commonService"),
        &DataValidation::new()
            .allow_list_formula(services)
            .set_error_style(DataValidationErrorStyle::Warning),
    )?;
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        position("classification"),
        last,
        position("classification"),
        &list_rule(lists, "classification", lang)?,
    )?;
    for key in ["baseline", "target", "denominator"] {
        sheet.add_data_validation(
            FIRST_DATA_ROW,
            position(key),
            last,
            position(key),
            &DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                .set_error_style(DataValidationErrorStyle::Warning),
        )?;
    }
    Ok(())
}

fn kpi_report_steps(template: &KpiReportTemplate<'_>) -> (String, Vec<String>) {
    let t = template;
    match t.lang {
        Lang::En => (
            format!("Quarterly KPI report: {} ({}), {}", t.country.name, t.country.code, t.period),
            vec![
                format!("1. Sheet Report: check the header. The revision is {}: send a higher one to correct a report already sent. Amounts are in {} unless you change the currency.", t.revision, t.country.currency),
                "2. Sheet Services: the common services of your current BOS. Set the status of each (ACTIVE, PLANNED, SUSPENDED, DISCONTINUED); add a row for a service the BOS does not list.".to_owned(),
                "3. Sheet Values: type the value of each KPI in the yellow Value column. A row left empty is skipped. Percentages go from 0 to 100. A weighted KPI needs its weight in Denominator. Baselines and targets come from your BOS.".to_owned(),
                "4. Send it on the hub's Submissions page (URL/submissions, signed in with your token; tick \"Only check it\" to check without storing), or run romt-hub submit FILE.xlsx --hub URL --token TOKEN (add --dry-run to check), or POST the file to URL/api/v1/submissions with your token.".to_owned(),
                "5. The receipt lists every problem with its cell (for example Values!C7). Fix the cell and send the workbook again.".to_owned(),
            ],
        ),
        Lang::Es => (
            format!("Informe trimestral de KPI: {} ({}), {}", t.country.name, t.country.code, t.period),
            vec![
                format!("1. Hoja Report: revise el encabezado. La revisión es {}: envíe una mayor para corregir un informe ya enviado. Los montos están en {} salvo que cambie la moneda.", t.revision, t.country.currency),
                "2. Hoja Services: los servicios comunes de su BOS vigente. Indique el estado de cada uno (ACTIVE, PLANNED, SUSPENDED, DISCONTINUED); agregue una fila para un servicio que la BOS no incluye.".to_owned(),
                "3. Hoja Values: escriba el valor de cada KPI en la columna amarilla Valor. Una fila vacía se omite. Los porcentajes van de 0 a 100. Un KPI ponderado necesita su ponderación en Denominador. Las líneas de base y las metas vienen de su BOS.".to_owned(),
                "4. Envíelo en la página Envíos del centro (URL/submissions, con la sesión iniciada con su token; marque «Solo verificarlo» para revisarlo sin guardarlo), o ejecute romt-hub submit ARCHIVO.xlsx --hub URL --token TOKEN (agregue --dry-run para revisarlo), o envíe el archivo por POST a URL/api/v1/submissions con su token.".to_owned(),
                "5. El acuse de recibo indica cada problema con su celda (por ejemplo Values!C7). Corrija la celda y vuelva a enviar el libro.".to_owned(),
            ],
        ),
    }
}

/// The `Report` rows of a template: each field key with its pre-filled value and whether the
/// user should edit it. `own` gives the fields of one document type; the rest are common.
fn header_fields(
    keys: &'static [&'static str],
    document_type: &str,
    lang: Lang,
    country: &Country<'_>,
    revision: i32,
    own: impl Fn(&str) -> Option<(Option<String>, bool)>,
) -> Vec<(&'static str, Option<String>, bool)> {
    keys.iter()
        .map(|&key| {
            let (value, editable) = own(key).unwrap_or_else(|| match key {
                "documentType" => (Some(document_type.to_owned()), false),
                "schemaVersion" => (Some("1.0".to_owned()), false),
                "language" => (Some(lang.as_str().to_owned()), true),
                "country" => (Some(country.code.to_owned()), false),
                "revision" => (Some(revision.to_string()), true),
                "currency" => (Some(country.currency.to_owned()), true),
                "classification" => (Some(Classification::Internal.to_string()), true),
                _ => (None, true),
            });
            (key, value, editable)
        })
        .collect()
}

/// Builds the `kpi-report` template.
pub fn kpi_report(template: &KpiReportTemplate<'_>) -> Result<Vec<u8>, ExportError> {
    let lang = template.lang;
    let f = Formats::new();
    let lists = lists(&template.vocabulary);
    let mut workbook = Workbook::new();
    let (title, steps) = kpi_report_steps(template);
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    instructions(&mut workbook, lang, &title, &steps, &f)?;
    let fields = header_fields(
        KPI_REPORT_FIELDS,
        "kpi-report",
        lang,
        &template.country,
        template.revision,
        |key| (key == "period").then(|| (Some(template.period.to_owned()), false)),
    );
    report_sheet(&mut workbook, &fields, lang, &lists, &f)?;
    services_sheet(
        &mut workbook,
        KPI_REPORT_SERVICE_KEYS,
        template.services,
        lang,
        &lists,
        &f,
    )?;
    values_sheet(&mut workbook, template, &lists, &f)?;
    lists.write(&mut workbook, &f)?;
    Ok(workbook.save_to_buffer()?)
}

fn bos_steps(template: &BosTemplate<'_>) -> (String, Vec<String>) {
    let t = template;
    match t.lang {
        Lang::En => (
            format!("Business Operations Strategy (BOS): {} ({}), {}-{}", t.country.name, t.country.code, t.cycle.0, t.cycle.1),
            vec![
                format!("1. Sheet Report: the BOS header. The revision is {}; set the status to SIGNED once the UNCT has signed it, with the date.", t.revision),
                "2. Sheet Services: one row per common service, with its CBA (one-time cost, annual cost and annual benefit, in money and in labour).".to_owned(),
                "3. Sheet PlannedCostAvoidance: one row per service and year of the cycle, in the BOS currency.".to_owned(),
                "4. Sheet Targets: the KPI targets of each service, one row per KPI and year.".to_owned(),
                "5. Send it on the hub's Submissions page (URL/submissions), or with romt-hub submit FILE.xlsx --hub URL --token TOKEN (or POST it to URL/api/v1/submissions); every problem names its cell.".to_owned(),
            ],
        ),
        Lang::Es => (
            format!("Estrategia de Operaciones Institucionales (BOS): {} ({}), {}-{}", t.country.name, t.country.code, t.cycle.0, t.cycle.1),
            vec![
                format!("1. Hoja Report: el encabezado de la BOS. La revisión es {}; indique el estado SIGNED cuando el UNCT la haya firmado, con la fecha.", t.revision),
                "2. Hoja Services: una fila por servicio común, con su ACB (costo único, costo anual y beneficio anual, en dinero y en mano de obra).".to_owned(),
                "3. Hoja PlannedCostAvoidance: una fila por servicio y año del ciclo, en la moneda de la BOS.".to_owned(),
                "4. Hoja Targets: las metas de KPI de cada servicio, una fila por KPI y año.".to_owned(),
                "5. Envíela en la página Envíos del centro (URL/submissions), o con romt-hub submit ARCHIVO.xlsx --hub URL --token TOKEN (o por POST a URL/api/v1/submissions); cada problema indica su celda.".to_owned(),
            ],
        ),
    }
}

/// Builds the `bos` template.
pub fn bos(template: &BosTemplate<'_>) -> Result<Vec<u8>, ExportError> {
    let lang = template.lang;
    let f = Formats::new();
    let lists = lists(&template.vocabulary);
    let mut workbook = Workbook::new();
    let (title, steps) = bos_steps(template);
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    instructions(&mut workbook, lang, &title, &steps, &f)?;
    let fields = header_fields(
        BOS_FIELDS,
        "bos",
        lang,
        &template.country,
        template.revision,
        |key| match key {
            "cycle.start" => Some((Some(template.cycle.0.to_string()), true)),
            "cycle.end" => Some((Some(template.cycle.1.to_string()), true)),
            "status" => Some((Some(BosStatus::Draft.to_string()), true)),
            _ => None,
        },
    );
    report_sheet(&mut workbook, &fields, lang, &lists, &f)?;
    services_sheet(
        &mut workbook,
        BOS_SERVICE_KEYS,
        template.services,
        lang,
        &lists,
        &f,
    )?;
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(PLANNED)?;
        record_header(sheet, PLANNED_KEYS, lang, &f)?;
        for (i, p) in template.planned.iter().enumerate() {
            let r = FIRST_DATA_ROW + row_of(i);
            sheet.write_string_with_format(r, 0, &p.service_id, &f.input)?;
            sheet.write_number_with_format(r, 1, f64::from(p.year), &f.input)?;
            sheet.write_number_with_format(r, 2, num(p.amount), &f.input)?;
        }
    }
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(TARGETS)?;
        record_header(sheet, TARGET_KEYS, lang, &f)?;
        for (i, t) in template.targets.iter().enumerate() {
            let r = FIRST_DATA_ROW + row_of(i);
            sheet.write_string_with_format(r, 0, &t.service_id, &f.input)?;
            sheet.write_string_with_format(r, 1, &t.kpi, &f.input)?;
            match t.baseline {
                Some(b) => {
                    sheet.write_number_with_format(r, 2, num(b), &f.input)?;
                }
                None => {
                    sheet.write_blank(r, 2, &f.input)?;
                }
            }
            sheet.write_number_with_format(r, 3, f64::from(t.year), &f.input)?;
            sheet.write_number_with_format(r, 4, num(t.target), &f.input)?;
        }
        let last = FIRST_DATA_ROW + row_of(template.targets.len()) + SPARE_ROWS;
        sheet.add_data_validation(FIRST_DATA_ROW, 1, last, 1, &list_rule(&lists, "kpi", lang)?)?;
    }
    lists.write(&mut workbook, &f)?;
    Ok(workbook.save_to_buffer()?)
}

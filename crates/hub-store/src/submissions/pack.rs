//! A submission's figure values packed into one binary column (`figure_facts.facts`), so a
//! figure reads one row per report instead of one per value.
//!
//! Layout (little-endian): the format byte; a table of the distinct texts of the pack (a u16
//! count, then each as a u16 length and UTF-8 bytes); the submission's country and period (as
//! table indexes), revision and number of values; then each value's fields in [`FigureValue`]
//! order; then the report's common services (a u16 count, then each one's id, service line and
//! status). A text field is a u16 index into the table (`u16::MAX` for none), so a code
//! repeated by every value is stored, and unpacked into memory, once. A decimal is a head byte
//! (its scale, and its sign in bit 5; `0xFF` for none, where optional), the length of its
//! mantissa and the mantissa's bytes, little-endian without trailing zeros: 3 to 6 bytes for
//! the values reports carry, so a typical report's pack fits one database page. Decimals are
//! packed normalized, as the value rows store them, so a pack and its rows read the same.

use std::borrow::Borrow;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::hash::Hash;
use std::sync::Arc;

use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::ServiceLine;
use hub_domain::submission::ValueFlag;

use super::{FigureValue, ReportService};
use crate::StoreError;
use crate::codec::parsed;
use crate::quality::HistoryPoint;

/// The layout written. Packs of format 1 (texts inline) were packed again by migration m0011,
/// those of format 2 (without the common services) by m0012; a pack of any format but this one
/// is read from the rows instead (see [`is_current`]).
pub(crate) const FORMAT: u8 = 3;

const NONE: u16 = u16::MAX;

/// Whether `bytes` are a pack of the layout this build reads.
pub(crate) fn is_current(bytes: &[u8]) -> bool {
    bytes.first() == Some(&FORMAT)
}

/// Packs the values and common services of one submission (all of one country, period and
/// revision); `None` when there are no values, or a text is too long to pack, or there are too
/// many distinct texts or services (codes are at most 64 characters, so never): such a
/// submission's figures are read from its rows.
pub(crate) fn encode(values: &[FigureValue], services: &[ReportService]) -> Option<Vec<u8>> {
    let first = values.first()?;
    let mut w = Writer::default();
    w.body.reserve(16 + values.len() * 120);
    w.text(Some(&first.country))?;
    w.text(Some(&first.period.to_string()))?;
    w.body.extend_from_slice(&first.revision.to_le_bytes());
    w.body
        .extend_from_slice(&u32::try_from(values.len()).ok()?.to_le_bytes());
    for v in values {
        w.text(Some(&v.kpi))?;
        w.text(Some(&v.reported_kpi))?;
        w.text(v.common_service.as_deref())?;
        w.text(v.service_line.map(|l| l.as_str()))?;
        w.optional_decimal(v.value);
        w.decimal(v.reported_value);
        w.text(v.currency.as_deref())?;
        w.optional_decimal(v.fx_rate);
        w.text(v.fx_month.map(|m| m.to_string()).as_deref())?;
        w.optional_decimal(v.baseline);
        w.optional_decimal(v.target);
        w.optional_decimal(v.denominator);
        w.text(Some(v.classification.as_str()))?;
        w.body.push(u8::try_from(v.flags.len()).ok()?);
        for flag in &v.flags {
            w.text(Some(flag.as_str()))?;
        }
    }
    w.body
        .extend_from_slice(&u16::try_from(services.len()).ok()?.to_le_bytes());
    for service in services {
        w.text(Some(&service.service_id))?;
        w.text(Some(service.service_line.as_str()))?;
        w.text(service.status.map(|s| s.as_str()))?;
    }
    let mut out = Vec::with_capacity(3 + w.table.len() + w.body.len());
    out.push(FORMAT);
    out.extend_from_slice(&u16::try_from(w.texts.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&w.table);
    out.extend_from_slice(&w.body);
    Some(out)
}

/// A pack being written: its distinct texts, their table, and the fields after it.
#[derive(Default)]
struct Writer {
    texts: Vec<String>,
    table: Vec<u8>,
    body: Vec<u8>,
}

impl Writer {
    /// Writes the table index of `text` (added when new); `None` when it does not fit the
    /// layout. A pack holds a few dozen distinct texts, so a linear search beats hashing.
    fn text(&mut self, text: Option<&str>) -> Option<()> {
        let index = match text {
            None => NONE,
            Some(text) => match self.texts.iter().position(|t| t == text) {
                Some(i) => u16::try_from(i).ok()?,
                None => {
                    let index = u16::try_from(self.texts.len())
                        .ok()
                        .filter(|i| *i != NONE)?;
                    let len = u16::try_from(text.len()).ok()?;
                    self.table.extend_from_slice(&len.to_le_bytes());
                    self.table.extend_from_slice(text.as_bytes());
                    self.texts.push(text.to_owned());
                    index
                }
            },
        };
        self.body.extend_from_slice(&index.to_le_bytes());
        Some(())
    }

    fn decimal(&mut self, d: Decimal) {
        let bytes = d.normalize().serialize();
        let mantissa = &bytes[4..];
        let len = mantissa.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        let sign = if bytes[3] & 0x80 != 0 { SIGN } else { 0 };
        // A normalized decimal's scale is at most 28, so the head never reads as none.
        self.body.push(bytes[2] | sign);
        self.body.push(len as u8); // at most 12
        self.body.extend_from_slice(&mantissa[..len]);
    }

    fn optional_decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => self.decimal(d),
            None => self.body.push(NO_DECIMAL),
        }
    }
}

/// The sign bit of a decimal's head byte.
const SIGN: u8 = 0x20;
/// The head byte of an absent optional decimal.
const NO_DECIMAL: u8 = 0xFF;

/// Unpacks the values of submission `submission_id` (only those of `kpis` when given) and its
/// common services.
#[cfg(test)]
fn decode(
    bytes: &[u8],
    submission_id: i64,
    kpis: Option<&HashSet<&str>>,
) -> Result<(Vec<FigureValue>, Vec<ReportService>), StoreError> {
    let (mut values, mut services) = (Vec::new(), Vec::new());
    decode_into(bytes, submission_id, kpis, &mut values, Some(&mut services))?;
    Ok((values, services))
}

/// How many values a pack of the layout this build reads holds, read from its head without
/// decoding them; `None` for any other bytes.
pub(crate) fn value_count(bytes: &[u8]) -> Option<usize> {
    if !is_current(bytes) {
        return None;
    }
    let mut r = Reader { bytes, at: 1 };
    let texts = u16::from_le_bytes(r.array().ok()?);
    for _ in 0..texts {
        let len = u16::from_le_bytes(r.array().ok()?);
        r.take(usize::from(len)).ok()?;
    }
    r.take(2 + 2 + 4).ok()?; // country, period, revision
    usize::try_from(u32::from_le_bytes(r.array().ok()?)).ok()
}

/// Unpacks the values of submission `submission_id` (only those of `kpis` when given) at the
/// end of `out`, where they stay: thousands of values are not moved again; its common services
/// at the end of `services`, when asked for.
pub(crate) fn decode_into<K: Borrow<str> + Eq + Hash>(
    bytes: &[u8],
    submission_id: i64,
    kpis: Option<&HashSet<K>>,
    out: &mut Vec<FigureValue>,
    services: Option<&mut Vec<ReportService>>,
) -> Result<(), StoreError> {
    let mut r = Reader { bytes, at: 0 };
    let texts = r.head()?;
    let table = Table::new(&texts, kpis);
    let country = table.shared(table.required(&mut r)?);
    let period = table.parsed(table.required(&mut r)?)?;
    let revision = i32::from_le_bytes(r.array()?);
    let values = u32::from_le_bytes(r.array()?);
    out.reserve(usize::try_from(values).unwrap_or(0).min(bytes.len() / 20));
    for _ in 0..values {
        let kpi = table.required(&mut r)?;
        if !table.keep[kpi] {
            // A KPI not asked for (a series of one KPI reads 1 value in 14): stepped over.
            r.skip_value()?;
            continue;
        }
        let reported_kpi = table.required(&mut r)?;
        let common_service = table.index(&mut r)?;
        let service_line = table.index(&mut r)?.map(|i| table.line(i)).transpose()?;
        let value = r.optional_decimal()?;
        let reported_value = r.decimal()?;
        let currency = table.index(&mut r)?;
        let fx_rate = r.optional_decimal()?;
        let fx_month = table.index(&mut r)?.map(|i| table.parsed(i)).transpose()?;
        let baseline = r.optional_decimal()?;
        let target = r.optional_decimal()?;
        let denominator = r.optional_decimal()?;
        let classification = table.classification(table.required(&mut r)?)?;
        let flags = (0..r.byte()?)
            .map(|_| table.required(&mut r).and_then(|i| table.flag(i)))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(FigureValue {
            submission_id,
            country: Arc::clone(&country),
            period,
            revision,
            kpi: table.shared(kpi),
            reported_kpi: table.shared(reported_kpi),
            common_service: common_service.map(|i| table.shared(i)),
            service_line,
            value,
            reported_value,
            currency: currency.map(|i| table.shared(i)),
            fx_rate,
            fx_month,
            baseline,
            target,
            denominator,
            classification,
            flags,
        });
    }
    let count = u16::from_le_bytes(r.array()?);
    let mut listed = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let service_id = table.shared(table.required(&mut r)?);
        let service_line = table.line(table.required(&mut r)?)?;
        let status = table.index(&mut r)?.map(|i| table.parsed(i)).transpose()?;
        listed.push(ReportService {
            submission_id,
            service_id,
            service_line,
            status,
        });
    }
    if r.at != bytes.len() {
        return Err(corrupt("bytes after its last service"));
    }
    if let Some(services) = services {
        services.append(&mut listed);
    }
    Ok(())
}

/// The KPI, common service, period and harmonized value of each value of `kpis` in a pack that
/// has one, appended to `out` in document order: what the outlier history judges against,
/// stepping over the rest of each value and the common services.
pub(crate) fn history_into(
    bytes: &[u8],
    kpis: &HashSet<&str>,
    out: &mut Vec<HistoryPoint>,
) -> Result<(), StoreError> {
    let mut r = Reader { bytes, at: 0 };
    let texts = r.head()?;
    let table = Table::new(&texts, Some(kpis));
    table.required(&mut r)?; // the country
    let period = table.parsed(table.required(&mut r)?)?;
    r.take(4)?; // the revision
    let values = u32::from_le_bytes(r.array()?);
    for _ in 0..values {
        let kpi = table.required(&mut r)?;
        if !table.keep[kpi] {
            r.skip_value()?;
            continue;
        }
        table.required(&mut r)?; // the reported KPI
        let common_service = table.index(&mut r)?;
        table.index(&mut r)?; // the service line
        let value = r.optional_decimal()?;
        r.skip_after_value()?;
        if let Some(value) = value {
            out.push(HistoryPoint {
                kpi: table.shared(kpi),
                common_service: common_service.map(|i| table.shared(i)),
                period,
                value,
            });
        }
    }
    // The common services (id, line and status: three codes each), stepped over but there.
    let services = usize::from(u16::from_le_bytes(r.array()?));
    r.take(6 * services)?;
    if r.at != bytes.len() {
        return Err(corrupt("bytes after its last service"));
    }
    Ok(())
}

/// The text table of a pack being unpacked. Each distinct text is copied out once, into an
/// `Arc<str>` its values share, and parsed once as what its values take it for (a service line,
/// a classification, a flag): thousands of values, a few dozen texts.
struct Table<'a> {
    texts: &'a [&'a str],
    shared: Vec<Arc<str>>,
    /// Whether values of the KPI a text names are wanted.
    keep: Vec<bool>,
    lines: Vec<OnceCell<ServiceLine>>,
    classifications: Vec<OnceCell<Classification>>,
    flags: Vec<OnceCell<ValueFlag>>,
}

impl<'a> Table<'a> {
    fn new<K: Borrow<str> + Eq + Hash>(texts: &'a [&'a str], kpis: Option<&HashSet<K>>) -> Self {
        fn cells<T>(n: usize) -> Vec<OnceCell<T>> {
            (0..n).map(|_| OnceCell::new()).collect()
        }
        Self {
            texts,
            shared: texts.iter().map(|t| Arc::from(*t)).collect(),
            keep: texts
                .iter()
                .map(|t| kpis.is_none_or(|k| k.contains(t)))
                .collect(),
            lines: cells(texts.len()),
            classifications: cells(texts.len()),
            flags: cells(texts.len()),
        }
    }

    fn index(&self, r: &mut Reader<'_>) -> Result<Option<usize>, StoreError> {
        match u16::from_le_bytes(r.array()?) {
            NONE => Ok(None),
            i if usize::from(i) < self.texts.len() => Ok(Some(usize::from(i))),
            _ => Err(corrupt("a text index out of its table")),
        }
    }

    fn required(&self, r: &mut Reader<'_>) -> Result<usize, StoreError> {
        self.index(r)?
            .ok_or_else(|| corrupt("no text where text is required"))
    }

    fn shared(&self, i: usize) -> Arc<str> {
        Arc::clone(&self.shared[i])
    }

    fn parsed<T: std::str::FromStr>(&self, i: usize) -> Result<T, StoreError>
    where
        T::Err: std::fmt::Display,
    {
        parsed(self.texts[i])
    }

    fn line(&self, i: usize) -> Result<ServiceLine, StoreError> {
        once(&self.lines[i], || self.parsed(i))
    }

    fn classification(&self, i: usize) -> Result<Classification, StoreError> {
        once(&self.classifications[i], || self.parsed(i))
    }

    fn flag(&self, i: usize) -> Result<ValueFlag, StoreError> {
        once(&self.flags[i], || self.parsed(i))
    }
}

/// The value of `cell`, made by `make` the first time.
fn once<T: Copy>(
    cell: &OnceCell<T>,
    make: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    if let Some(value) = cell.get() {
        return Ok(*value);
    }
    let value = make()?;
    Ok(*cell.get_or_init(|| value))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::corrupt(format!("figure facts with {what}"))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| corrupt("a value cut short"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        self.take(N)?
            .try_into()
            .map_err(|_| corrupt("a value cut short"))
    }

    fn byte(&mut self) -> Result<u8, StoreError> {
        Ok(self.array::<1>()?[0])
    }

    fn decimal(&mut self) -> Result<Decimal, StoreError> {
        let head = self.byte()?;
        self.decimal_after(head)
    }

    fn optional_decimal(&mut self) -> Result<Option<Decimal>, StoreError> {
        match self.byte()? {
            NO_DECIMAL => Ok(None),
            head => self.decimal_after(head).map(Some),
        }
    }

    /// Checks the format byte and reads the table of texts that follows it.
    fn head(&mut self) -> Result<Vec<&'a str>, StoreError> {
        if self.byte()? != FORMAT {
            return Err(corrupt("an unknown format"));
        }
        let count = usize::from(u16::from_le_bytes(self.array()?));
        let mut texts = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(u16::from_le_bytes(self.array()?));
            let text = std::str::from_utf8(self.take(len)?)
                .map_err(|_| corrupt("text that is not UTF-8"))?;
            texts.push(text);
        }
        Ok(texts)
    }

    /// Steps over the rest of a value whose KPI was just read, in the layout `decode_into`
    /// reads it: two codes, the service line, value, then what [`Reader::skip_after_value`]
    /// steps over.
    fn skip_value(&mut self) -> Result<(), StoreError> {
        self.take(6)?;
        self.skip_decimal(true)?;
        self.skip_after_value()
    }

    /// Steps over the fields after a value's harmonized value: reported value, currency, rate,
    /// rate month, baseline, target, denominator, classification and flags.
    fn skip_after_value(&mut self) -> Result<(), StoreError> {
        self.skip_decimal(false)?;
        self.take(2)?;
        self.skip_decimal(true)?;
        self.take(2)?;
        for _ in 0..3 {
            self.skip_decimal(true)?;
        }
        self.take(2)?;
        let flags = usize::from(self.byte()?);
        self.take(2 * flags)?;
        Ok(())
    }

    fn skip_decimal(&mut self, optional: bool) -> Result<(), StoreError> {
        let head = self.byte()?;
        if optional && head == NO_DECIMAL {
            return Ok(());
        }
        let len = usize::from(self.byte()?);
        if head & !SIGN > 28 || len > 12 {
            return Err(corrupt("a bad decimal"));
        }
        self.take(len)?;
        Ok(())
    }

    /// The decimal whose head byte was just read.
    fn decimal_after(&mut self, head: u8) -> Result<Decimal, StoreError> {
        let scale = head & !SIGN;
        let len = usize::from(self.byte()?);
        if scale > 28 || len > 12 {
            return Err(corrupt("a bad decimal"));
        }
        let mut bytes = [0u8; 16];
        bytes[2] = scale;
        if head & SIGN != 0 {
            bytes[3] = 0x80;
        }
        bytes[4..4 + len].copy_from_slice(self.take(len)?);
        Ok(Decimal::deserialize(bytes))
    }
}

#[cfg(test)]
mod tests {
    use hub_domain::access::Classification;
    use hub_domain::catalogue::ServiceLine;
    use hub_domain::submission::{CommonServiceStatus, ValueFlag};

    use super::*;

    fn value(kpi: &str) -> FigureValue {
        FigureValue {
            submission_id: 7,
            country: "COL".into(),
            period: "2025-Q2".parse().unwrap(),
            revision: 2,
            kpi: kpi.into(),
            reported_kpi: format!("{kpi}.LOCAL").into(),
            common_service: Some("COL-PROC-TRAVEL".into()),
            service_line: Some(ServiceLine::Procurement),
            value: Some(Decimal::new(12_345, 2)),
            reported_value: Decimal::new(-4_938_000_000, 2),
            currency: Some("COP".into()),
            fx_rate: Some(Decimal::new(40_000_125, 4)),
            fx_month: Some("2025-06".parse().unwrap()),
            baseline: Some(Decimal::new(1, 0)),
            target: None,
            denominator: Some(Decimal::new(100, 0)),
            classification: Classification::Internal,
            flags: vec![ValueFlag::RateStale, ValueFlag::Outlier],
        }
    }

    fn services() -> Vec<ReportService> {
        vec![
            ReportService {
                submission_id: 7,
                service_id: "COL-PROC-TRAVEL".into(),
                service_line: ServiceLine::Procurement,
                status: Some(CommonServiceStatus::Active),
            },
            ReportService {
                submission_id: 7,
                service_id: "COL-ICT-NET".into(),
                service_line: ServiceLine::Ict,
                status: None,
            },
        ]
    }

    #[test]
    fn a_packed_submission_unpacks_to_the_same_values_and_services() {
        let mut bare = value("PROC.LEADTIME");
        bare.common_service = None;
        bare.service_line = None;
        bare.value = None;
        bare.currency = None;
        bare.fx_rate = None;
        bare.fx_month = None;
        bare.baseline = None;
        bare.denominator = None;
        bare.flags.clear();
        let values = vec![value("CA"), bare];
        let bytes = encode(&values, &services()).unwrap();
        assert_eq!(
            decode(&bytes, 7, None).unwrap(),
            (values.clone(), services())
        );
        let only: HashSet<&str> = ["PROC.LEADTIME"].into();
        let (some, listed) = decode(&bytes, 7, Some(&only)).unwrap();
        assert_eq!((some.as_slice(), listed), (&values[1..], services()));
        // And the other way round: the bare value stepped over, the full one read.
        let only: HashSet<&str> = ["CA"].into();
        let (some, listed) = decode(&bytes, 7, Some(&only)).unwrap();
        assert_eq!((some.as_slice(), listed), (&values[..1], services()));
    }

    #[test]
    fn decimals_are_packed_as_the_value_rows_store_them() {
        let mut v = value("CA");
        v.reported_value = Decimal::new(1_500, 3); // 1.500
        let (back, _) = decode(&encode(&[v], &[]).unwrap(), 7, None).unwrap();
        assert_eq!(back[0].reported_value.to_string(), "1.5");
    }

    #[test]
    fn decimals_of_every_size_and_sign_read_back() {
        let cases = [
            Decimal::ZERO,
            Decimal::NEGATIVE_ONE,
            Decimal::new(125_000_000, 0),
            Decimal::new(-4_938_000_000, 2),
            Decimal::new(1_000_000_000_000_000, 0),
            Decimal::new(1, 6),
            Decimal::new(1, 28),
            Decimal::MAX,
            Decimal::MIN,
        ];
        for d in cases {
            let mut v = value("CA");
            (v.value, v.reported_value, v.target) = (Some(d), d, Some(-d));
            let (back, _) = decode(&encode(&[v], &[]).unwrap(), 7, None).unwrap();
            assert_eq!(back[0].value, Some(d), "{d}");
            assert_eq!(
                back[0].reported_value.to_string(),
                d.normalize().to_string()
            );
            assert_eq!(back[0].target, Some(-d), "{d}");
        }
    }

    #[test]
    fn a_typical_report_packs_into_one_database_page() {
        // 42 values as the benchmarks' reports carry them: 3 services × 14 KPIs.
        let values: Vec<FigureValue> = (0..42)
            .map(|i| {
                let mut v = value(&format!("KPI.{}", i % 14));
                v.common_service = Some(format!("COL-SERVICE-{}", i / 14).into());
                v
            })
            .collect();
        let bytes = encode(&values, &services()).unwrap();
        assert!(bytes.len() < 4_000, "{} bytes", bytes.len());
    }

    #[test]
    fn the_value_count_is_read_from_the_head_of_a_current_pack_only() {
        let values: Vec<FigureValue> = ["CA", "PROC.LEADTIME", "HR.RECRUIT.DAYS"]
            .into_iter()
            .map(value)
            .collect();
        let mut bytes = encode(&values, &services()).unwrap();
        assert_eq!(value_count(&bytes), Some(3));
        assert_eq!(value_count(&bytes[..6]), None, "cut short");
        bytes[0] = FORMAT - 1;
        assert_eq!(value_count(&bytes), None, "an older layout");
    }

    #[test]
    fn nothing_is_packed_that_would_not_read_back() {
        assert_eq!(encode(&[], &services()), None);
        let mut long = value("CA");
        long.common_service = Some("S".repeat(70_000).into());
        assert_eq!(encode(&[long], &[]), None);
    }

    #[test]
    fn a_code_every_value_repeats_is_packed_once() {
        let values: Vec<FigureValue> = ["CA", "PROC.LEADTIME", "HR.RECRUIT.DAYS"]
            .into_iter()
            .map(value)
            .collect();
        let bytes = encode(&values, &services()).unwrap();
        let times = |text: &str| {
            bytes
                .windows(text.len())
                .filter(|w| *w == text.as_bytes())
                .count()
        };
        assert_eq!(times("COL-PROC-TRAVEL"), 1);
        assert_eq!(times("COP"), 1);
        assert_eq!(decode(&bytes, 7, None).unwrap(), (values, services()));
    }

    #[test]
    fn the_history_reads_the_kpi_service_and_value_of_the_values_asked_for() {
        let mut no_value = value("PROC.LEADTIME");
        no_value.value = None;
        let mut without_service = value("HR.RECRUIT.DAYS");
        without_service.common_service = None;
        let values = vec![
            value("CA"),
            no_value,
            without_service,
            value("PROC.LEADTIME"),
        ];
        let bytes = encode(&values, &services()).unwrap();
        let wanted: HashSet<&str> = ["CA", "HR.RECRUIT.DAYS"].into();
        let mut points = Vec::new();
        history_into(&bytes, &wanted, &mut points).unwrap();
        let expected: Vec<HistoryPoint> = values
            .into_iter()
            .filter(|v| wanted.contains(&*v.kpi))
            .filter_map(|v| {
                Some(HistoryPoint {
                    value: v.value?,
                    kpi: v.kpi,
                    common_service: v.common_service,
                    period: v.period,
                })
            })
            .collect();
        assert_eq!(points.len(), 2);
        assert_eq!(points, expected);
        for cut in 0..bytes.len() {
            assert!(
                history_into(&bytes[..cut], &wanted, &mut Vec::new()).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_damaged_pack_is_an_error_not_a_panic() {
        let bytes = encode(&[value("CA"), value("HR.RECRUIT.DAYS")], &services()).unwrap();
        // Values of KPIs not asked for are stepped over, as carefully.
        let only: HashSet<&str> = ["HR.RECRUIT.DAYS"].into();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], 7, None).is_err(), "cut at {cut}");
            assert!(
                decode(&bytes[..cut], 7, Some(&only)).is_err(),
                "cut at {cut}, one KPI"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, 7, None).is_err());
        let mut other = bytes;
        other[0] = FORMAT + 1;
        assert!(decode(&other, 7, None).is_err());
    }
}

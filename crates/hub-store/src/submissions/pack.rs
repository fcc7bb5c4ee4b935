//! A submission's figure values packed into one binary column (`figure_facts.facts`), so a
//! figure reads one row per report instead of one per value.
//!
//! Layout (little-endian): the format byte; a table of the distinct texts of the pack (a u16
//! count, then each as a u16 length and UTF-8 bytes); the submission's country and period (as
//! table indexes), revision and number of values; then each value's fields in [`FigureValue`]
//! order. A text field is a u16 index into the table (`u16::MAX` for none), so a code repeated
//! by every value is stored, and unpacked into memory, once. A decimal is its 16 bytes
//! (`Decimal::serialize`), after a 0/1 tag when optional. Decimals are packed normalized, as the
//! value rows store them, so a pack and its rows read the same.

use std::collections::HashSet;
use std::sync::Arc;

use hub_domain::Decimal;

use super::FigureValue;
use crate::StoreError;
use crate::codec::parsed;

/// The layout written. Packs of format 1 (texts inline) were packed again by migration m0011;
/// a pack of any format but this one is read from the value rows instead (see [`is_current`]).
pub(crate) const FORMAT: u8 = 2;

const NONE: u16 = u16::MAX;

/// Whether `bytes` are a pack of the layout this build reads.
pub(crate) fn is_current(bytes: &[u8]) -> bool {
    bytes.first() == Some(&FORMAT)
}

/// Packs the values of one submission (all of one country, period and revision); `None` when
/// there are none, or a text is too long to pack, or there are too many distinct texts (codes
/// are at most 64 characters, so never): such a submission's figures are read from its rows.
pub(crate) fn encode(values: &[FigureValue]) -> Option<Vec<u8>> {
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
        self.body.extend_from_slice(&d.normalize().serialize());
    }

    fn optional_decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.body.push(1);
                self.decimal(d);
            }
            None => self.body.push(0),
        }
    }
}

/// Unpacks the values of submission `submission_id`, only those of `kpis` when given.
#[cfg(test)]
fn decode(
    bytes: &[u8],
    submission_id: i64,
    kpis: Option<&HashSet<&str>>,
) -> Result<Vec<FigureValue>, StoreError> {
    let mut out = Vec::new();
    decode_into(bytes, submission_id, kpis, &mut out)?;
    Ok(out)
}

/// Unpacks the values of submission `submission_id` (only those of `kpis` when given) at the
/// end of `out`, where they stay: thousands of values are not moved again.
pub(crate) fn decode_into(
    bytes: &[u8],
    submission_id: i64,
    kpis: Option<&HashSet<&str>>,
    out: &mut Vec<FigureValue>,
) -> Result<(), StoreError> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte()? != FORMAT {
        return Err(corrupt("an unknown format"));
    }
    let count = usize::from(u16::from_le_bytes(r.array()?));
    let mut texts: Vec<&str> = Vec::with_capacity(count);
    for _ in 0..count {
        let len = usize::from(u16::from_le_bytes(r.array()?));
        let text =
            std::str::from_utf8(r.take(len)?).map_err(|_| corrupt("text that is not UTF-8"))?;
        texts.push(text);
    }
    // Each distinct text is copied out once; values share it.
    let shared: Vec<Arc<str>> = texts.iter().map(|t| Arc::from(*t)).collect();
    let keep: Vec<bool> = texts
        .iter()
        .map(|t| kpis.is_none_or(|k| k.contains(t)))
        .collect();
    let index = |r: &mut Reader<'_>| -> Result<Option<usize>, StoreError> {
        match u16::from_le_bytes(r.array()?) {
            NONE => Ok(None),
            i if usize::from(i) < count => Ok(Some(usize::from(i))),
            _ => Err(corrupt("a text index out of its table")),
        }
    };
    let required = |r: &mut Reader<'_>| -> Result<usize, StoreError> {
        index(r)?.ok_or_else(|| corrupt("no text where text is required"))
    };
    let country = Arc::clone(&shared[required(&mut r)?]);
    let period = parsed(texts[required(&mut r)?])?;
    let revision = i32::from_le_bytes(r.array()?);
    let values = u32::from_le_bytes(r.array()?);
    out.reserve(usize::try_from(values).unwrap_or(0).min(bytes.len() / 40));
    for _ in 0..values {
        let kpi = required(&mut r)?;
        let reported_kpi = required(&mut r)?;
        let common_service = index(&mut r)?;
        let service_line = index(&mut r)?.map(|i| parsed(texts[i])).transpose()?;
        let value = r.optional_decimal()?;
        let reported_value = r.decimal()?;
        let currency = index(&mut r)?;
        let fx_rate = r.optional_decimal()?;
        let fx_month = index(&mut r)?.map(|i| parsed(texts[i])).transpose()?;
        let baseline = r.optional_decimal()?;
        let target = r.optional_decimal()?;
        let denominator = r.optional_decimal()?;
        let classification = parsed(texts[required(&mut r)?])?;
        let flags = (0..r.byte()?)
            .map(|_| required(&mut r).and_then(|i| parsed(texts[i])))
            .collect::<Result<Vec<_>, _>>()?;
        if keep[kpi] {
            out.push(FigureValue {
                submission_id,
                country: Arc::clone(&country),
                period,
                revision,
                kpi: Arc::clone(&shared[kpi]),
                reported_kpi: Arc::clone(&shared[reported_kpi]),
                common_service: common_service.map(|i| Arc::clone(&shared[i])),
                service_line,
                value,
                reported_value,
                currency: currency.map(|i| Arc::clone(&shared[i])),
                fx_rate,
                fx_month,
                baseline,
                target,
                denominator,
                classification,
                flags,
            });
        }
    }
    if r.at != bytes.len() {
        return Err(corrupt("bytes after its last value"));
    }
    Ok(())
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
        Ok(Decimal::deserialize(self.array()?))
    }

    fn optional_decimal(&mut self) -> Result<Option<Decimal>, StoreError> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.decimal().map(Some),
            _ => Err(corrupt("a bad decimal tag")),
        }
    }
}

#[cfg(test)]
mod tests {
    use hub_domain::access::Classification;
    use hub_domain::catalogue::ServiceLine;
    use hub_domain::submission::ValueFlag;

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

    #[test]
    fn a_packed_submission_unpacks_to_the_same_values() {
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
        let bytes = encode(&values).unwrap();
        assert_eq!(decode(&bytes, 7, None).unwrap(), values);
        let only: HashSet<&str> = ["PROC.LEADTIME"].into();
        assert_eq!(decode(&bytes, 7, Some(&only)).unwrap(), values[1..]);
    }

    #[test]
    fn decimals_are_packed_as_the_value_rows_store_them() {
        let mut v = value("CA");
        v.reported_value = Decimal::new(1_500, 3); // 1.500
        let back = decode(&encode(&[v]).unwrap(), 7, None).unwrap();
        assert_eq!(back[0].reported_value.to_string(), "1.5");
    }

    #[test]
    fn nothing_is_packed_that_would_not_read_back() {
        assert_eq!(encode(&[]), None);
        let mut long = value("CA");
        long.common_service = Some("S".repeat(70_000).into());
        assert_eq!(encode(&[long]), None);
    }

    #[test]
    fn a_code_every_value_repeats_is_packed_once() {
        let values: Vec<FigureValue> = ["CA", "PROC.LEADTIME", "HR.RECRUIT.DAYS"]
            .into_iter()
            .map(value)
            .collect();
        let bytes = encode(&values).unwrap();
        let times = |text: &str| {
            bytes
                .windows(text.len())
                .filter(|w| *w == text.as_bytes())
                .count()
        };
        assert_eq!(times("COL-PROC-TRAVEL"), 1);
        assert_eq!(times("COP"), 1);
        assert_eq!(decode(&bytes, 7, None).unwrap(), values);
    }

    #[test]
    fn a_damaged_pack_is_an_error_not_a_panic() {
        let bytes = encode(&[value("CA"), value("HR.RECRUIT.DAYS")]).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], 7, None).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, 7, None).is_err());
        let mut other = bytes;
        other[0] = FORMAT + 1;
        assert!(decode(&other, 7, None).is_err());
    }
}

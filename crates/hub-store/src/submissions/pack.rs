//! A submission's figure values packed into one binary column (`figure_facts.facts`), so a
//! figure reads one row per report instead of one per value.
//!
//! Layout (little-endian): the format byte, then the submission's country, period and
//! revision, the number of values, and each value's fields in [`FigureValue`] order. Text is a
//! u16 length and UTF-8 bytes (`u16::MAX` for none); a decimal is its 16 bytes
//! (`Decimal::serialize`), after a 0/1 tag when optional. Decimals are packed normalized, as
//! the value rows store them, so a pack and its rows read the same.

use std::collections::HashSet;

use hub_domain::Decimal;

use super::FigureValue;
use crate::StoreError;
use crate::codec::parsed;

/// The layout written; a pack of any other format is read from the value rows instead.
pub(crate) const FORMAT: u8 = 1;

const NONE: u16 = u16::MAX;

/// Packs the values of one submission (all of one country, period and revision); `None` when
/// there are none, or a text is too long to pack (codes are at most 64 characters, so never):
/// such a submission's figures are read from its value rows.
pub(crate) fn encode(values: &[FigureValue]) -> Option<Vec<u8>> {
    if values.is_empty() {
        return None;
    }
    let mut out = Writer(Vec::with_capacity(32 + values.len() * 160), true);
    out.0.push(FORMAT);
    let first = values.first();
    out.text(first.map_or("", |v| v.country.as_str()));
    out.text(&first.map_or_else(String::new, |v| v.period.to_string()));
    out.0
        .extend_from_slice(&first.map_or(0, |v| v.revision).to_le_bytes());
    out.0.extend_from_slice(
        &u32::try_from(values.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    for v in values {
        out.text(&v.kpi);
        out.text(&v.reported_kpi);
        out.optional_text(v.common_service.as_deref());
        out.optional_text(v.service_line.map(|l| l.as_str()));
        out.optional_decimal(v.value);
        out.decimal(v.reported_value);
        out.optional_text(v.currency.as_deref());
        out.optional_decimal(v.fx_rate);
        out.optional_text(v.fx_month.map(|m| m.to_string()).as_deref());
        out.optional_decimal(v.baseline);
        out.optional_decimal(v.target);
        out.optional_decimal(v.denominator);
        out.text(v.classification.as_str());
        out.0.push(u8::try_from(v.flags.len()).unwrap_or(u8::MAX));
        for flag in v.flags.iter().take(usize::from(u8::MAX)) {
            out.text(flag.as_str());
        }
    }
    out.1.then_some(out.0)
}

/// Unpacks the values of submission `submission_id`, only those of `kpis` when given.
pub(crate) fn decode(
    bytes: &[u8],
    submission_id: i64,
    kpis: Option<&HashSet<&str>>,
) -> Result<Vec<FigureValue>, StoreError> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte()? != FORMAT {
        return Err(corrupt("an unknown format"));
    }
    let country = r.text()?.to_owned();
    let period = parsed(r.text()?)?;
    let revision = i32::from_le_bytes(r.array()?);
    let count = u32::from_le_bytes(r.array()?);
    let mut out = Vec::new();
    for _ in 0..count {
        let kpi = r.text()?;
        let keep = kpis.is_none_or(|k| k.contains(kpi));
        let kpi = kpi.to_owned();
        let reported_kpi = r.text()?.to_owned();
        let common_service = r.optional_text()?.map(str::to_owned);
        let service_line = r.optional_text()?.map(parsed).transpose()?;
        let value = r.optional_decimal()?;
        let reported_value = r.decimal()?;
        let currency = r.optional_text()?.map(str::to_owned);
        let fx_rate = r.optional_decimal()?;
        let fx_month = r.optional_text()?.map(parsed).transpose()?;
        let baseline = r.optional_decimal()?;
        let target = r.optional_decimal()?;
        let denominator = r.optional_decimal()?;
        let classification = parsed(r.text()?)?;
        let flags = (0..r.byte()?)
            .map(|_| r.text().and_then(parsed))
            .collect::<Result<Vec<_>, _>>()?;
        if keep {
            out.push(FigureValue {
                submission_id,
                country: country.clone(),
                period,
                revision,
                kpi,
                reported_kpi,
                common_service,
                service_line,
                value,
                reported_value,
                currency,
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
    Ok(out)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::corrupt(format!("figure facts with {what}"))
}

/// The bytes so far, and whether everything fitted.
struct Writer(Vec<u8>, bool);

impl Writer {
    fn text(&mut self, text: &str) {
        match u16::try_from(text.len()).ok().filter(|len| *len != NONE) {
            Some(len) => {
                self.0.extend_from_slice(&len.to_le_bytes());
                self.0.extend_from_slice(text.as_bytes());
            }
            None => self.1 = false,
        }
    }

    fn optional_text(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.text(text),
            None => self.0.extend_from_slice(&NONE.to_le_bytes()),
        }
    }

    fn decimal(&mut self, d: Decimal) {
        self.0.extend_from_slice(&d.normalize().serialize());
    }

    fn optional_decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.0.push(1);
                self.decimal(d);
            }
            None => self.0.push(0),
        }
    }
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

    fn optional_text(&mut self) -> Result<Option<&'a str>, StoreError> {
        let len = u16::from_le_bytes(self.array()?);
        if len == NONE {
            return Ok(None);
        }
        std::str::from_utf8(self.take(usize::from(len))?)
            .map(Some)
            .map_err(|_| corrupt("text that is not UTF-8"))
    }

    fn text(&mut self) -> Result<&'a str, StoreError> {
        self.optional_text()?
            .ok_or_else(|| corrupt("no text where text is required"))
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
            country: "COL".to_owned(),
            period: "2025-Q2".parse().unwrap(),
            revision: 2,
            kpi: kpi.to_owned(),
            reported_kpi: format!("{kpi}.LOCAL"),
            common_service: Some("COL-PROC-TRAVEL".to_owned()),
            service_line: Some(ServiceLine::Procurement),
            value: Some(Decimal::new(12_345, 2)),
            reported_value: Decimal::new(-4_938_000_000, 2),
            currency: Some("COP".to_owned()),
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
        long.common_service = Some("S".repeat(70_000));
        assert_eq!(encode(&[long]), None);
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

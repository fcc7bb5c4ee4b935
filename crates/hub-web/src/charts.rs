//! Charts drawn on the server as SVG (DESIGN §15): bars (stacked or side by side), lines over
//! time, sorted horizontal bars. Each chart is a `<figure>` with a legend and, one click away,
//! a table of every number it shows; each mark carries its number as a tooltip (`<title>`).
//! Colours come from the stylesheet (`.c0` … `.c7`), so the page keeps a strict CSP.

use hub_domain::Decimal;
use maud::{Markup, html};

use crate::i18n::Tr;

/// How a chart writes its numbers.
pub type Formatter = fn(hub_domain::i18n::Lang, Decimal) -> String;

/// One series of a chart: a label for the legend and one value per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub values: Vec<Option<Decimal>>,
    /// Drawn stronger than the others (the regional line among the countries).
    pub emphasis: bool,
}

/// The data of a chart: categories along one axis, series across them.
#[derive(Debug, Clone)]
pub struct Chart {
    /// An id unique in the page (for `aria-describedby`).
    pub id: String,
    pub title: String,
    /// The header of the category column in the table of numbers.
    pub category_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub format: Formatter,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

fn to_f64(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

/// A rounded upper bound and tick step covering `max`.
fn scale(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

fn legend(chart: &Chart) -> Markup {
    html! {
        ul.legend aria-label=(chart.title) {
            @for (i, series) in chart.series.iter().enumerate() {
                li { span class=(format!("swatch c{}", i % 8)) aria-hidden="true" {} (series.label) }
            }
        }
    }
}

/// The chart's numbers as a table, inside a disclosure.
fn numbers(chart: &Chart, tr: Tr) -> Markup {
    let lang = tr.lang();
    html! {
        details.numbers {
            summary { (tr.t("chart-show-numbers")) }
            div.table-wrap {
                table.sortable {
                    caption.visually-hidden { (chart.title) }
                    thead { tr {
                        th scope="col" { (chart.category_label) }
                        @for series in &chart.series { th scope="col" { (series.label) } }
                    } }
                    tbody {
                        @for (c, category) in chart.categories.iter().enumerate() {
                            tr {
                                th scope="row" { (category) }
                                @for series in &chart.series {
                                    @match series.values.get(c).copied().flatten() {
                                        Some(v) => td.num data-sort=(v) { data value=(v) { ((chart.format)(lang, v)) } },
                                        None => td.num data-sort="" { "–" },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn empty(chart: &Chart, tr: Tr) -> Markup {
    html! {
        figure.chart id=(chart.id) {
            figcaption { (chart.title) }
            p.empty { (tr.t("chart-no-data")) }
        }
    }
}

fn has_data(chart: &Chart) -> bool {
    chart
        .series
        .iter()
        .any(|s| s.values.iter().any(Option::is_some))
}

/// The value axis: gridlines with short labels (`1.5M`); exact numbers are in the tooltips and
/// the table.
fn y_axis(top: f64, step: f64, tr: Tr) -> Markup {
    let plot = HEIGHT - TOP - BOTTOM;
    let ticks = (top / step).round() as usize;
    html! {
        g.axis aria-hidden="true" {
            @for i in 0..=ticks {
                @let value = step * i as f64;
                @let y = HEIGHT - BOTTOM - plot * value / top;
                line.grid x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y) y2=(y) {}
                text x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" {
                    (crate::format::compact(tr.lang(), Decimal::try_from(value).unwrap_or_default()))
                }
            }
        }
    }
}

/// One bar of a bar chart, placed.
struct Mark {
    category: usize,
    series: usize,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    value: Decimal,
}

/// Vertical bars, one group per category: stacked (parts of a whole, e.g. cost avoidance by
/// service line) or side by side (planned against realized).
pub fn bars(chart: &Chart, stacked: bool, tr: Tr) -> Markup {
    if !has_data(chart) {
        return empty(chart, tr);
    }
    let lang = tr.lang();
    let totals: Vec<f64> = (0..chart.categories.len())
        .map(|c| {
            let values = chart
                .series
                .iter()
                .filter_map(|s| s.values.get(c).copied().flatten())
                .map(|v| to_f64(v).max(0.0));
            if stacked {
                values.sum()
            } else {
                values.fold(0.0, f64::max)
            }
        })
        .collect();
    let (top, step) = scale(totals.iter().copied().fold(0.0, f64::max));
    let plot_h = HEIGHT - TOP - BOTTOM;
    let band = (WIDTH - LEFT - RIGHT) / chart.categories.len().max(1) as f64;
    let group = band * 0.7;
    let per = if stacked {
        group
    } else {
        group / chart.series.len().max(1) as f64
    };
    let mut marks = Vec::new();
    for c in 0..chart.categories.len() {
        let x0 = LEFT + band * c as f64 + (band - group) / 2.0;
        let mut base = 0.0;
        for (s, series) in chart.series.iter().enumerate() {
            let Some(value) = series.values.get(c).copied().flatten() else {
                continue;
            };
            let v = to_f64(value).max(0.0);
            let h = plot_h * v / top;
            let (x, y) = if stacked {
                (x0, HEIGHT - BOTTOM - plot_h * (base + v) / top)
            } else {
                (x0 + per * s as f64, HEIGHT - BOTTOM - h)
            };
            base += v;
            marks.push(Mark {
                category: c,
                series: s,
                x,
                y,
                w: (per - 1.0).max(1.0),
                h,
                value,
            });
        }
    }
    html! {
        figure.chart id=(chart.id) {
            figcaption id=(format!("{}-title", chart.id)) { (chart.title) }
            (legend(chart))
            svg viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
                aria-labelledby=(format!("{}-title", chart.id)) {
                (y_axis(top, step, tr))
                @for mark in &marks {
                    rect class=(format!("c{}", mark.series % 8)) x=(mark.x) y=(mark.y) width=(mark.w) height=(mark.h) {
                        title { (chart.categories[mark.category]) " · " (chart.series[mark.series].label) ": " ((chart.format)(lang, mark.value)) }
                    }
                }
                @for (c, category) in chart.categories.iter().enumerate() {
                    text.label x=(LEFT + band * (c as f64 + 0.5)) y=(HEIGHT - BOTTOM + 16.0) text-anchor="middle" { (category) }
                }
            }
            (numbers(chart, tr))
        }
    }
}

/// Lines over time: each series a line across the categories (periods); the emphasized series
/// (the region) thick and coloured, the others (each country) thin and grey, drawn beneath it,
/// each named in its tooltips and in the table.
pub fn lines(chart: &Chart, tr: Tr) -> Markup {
    if !has_data(chart) {
        return empty(chart, tr);
    }
    let lang = tr.lang();
    let max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .map(|v| to_f64(*v))
        .fold(0.0, f64::max);
    let (top, step) = scale(max);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = chart.categories.len().max(2);
    let dx = (WIDTH - LEFT - RIGHT - 50.0) / (n - 1) as f64;
    let x = |c: usize| LEFT + 10.0 + dx * c as f64;
    let y = |v: Decimal| HEIGHT - BOTTOM - plot_h * to_f64(v).max(0.0) / top;
    let label_every = chart.categories.len().div_ceil(8).max(1);
    html! {
        figure.chart id=(chart.id) {
            figcaption id=(format!("{}-title", chart.id)) { (chart.title) }
            ul.legend {
                @for series in chart.series.iter().filter(|s| s.emphasis) {
                    li { span.swatch.c0 aria-hidden="true" {} (series.label) }
                }
                @if chart.series.iter().any(|s| !s.emphasis) {
                    li { span.swatch.other aria-hidden="true" {} (tr.t("chart-each-country")) }
                }
            }
            svg viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
                aria-labelledby=(format!("{}-title", chart.id)) {
                (y_axis(top, step, tr))
                @for series in chart.series.iter().filter(|s| !s.emphasis).chain(chart.series.iter().filter(|s| s.emphasis)) {
                    @let points: Vec<String> = series.values.iter().enumerate()
                        .filter_map(|(c, v)| v.map(|v| format!("{:.1},{:.1}", x(c), y(v)))).collect();
                    g class=(if series.emphasis { "line c0 strong" } else { "line other" }) {
                        polyline points=(points.join(" ")) {}
                        @for (c, value) in series.values.iter().enumerate() {
                            @if let Some(value) = value {
                                circle cx=(x(c)) cy=(y(*value)) r=(if series.emphasis { 4 } else { 2 }) {
                                    title { (chart.categories[c]) " · " (series.label) ": " ((chart.format)(lang, *value)) }
                                }
                            }
                        }
                    }
                }
                @for (c, category) in chart.categories.iter().enumerate() {
                    @if c % label_every == 0 {
                        text.label x=(x(c)) y=(HEIGHT - BOTTOM + 16.0) text-anchor="middle" { (category) }
                    }
                }
            }
            (numbers(chart, tr))
        }
    }
}

/// Horizontal bars, largest first (countries compared on one KPI); the first series only.
pub fn ranked(chart: &Chart, tr: Tr) -> Markup {
    if !has_data(chart) {
        return empty(chart, tr);
    }
    let lang = tr.lang();
    let Some(series) = chart.series.first() else {
        return empty(chart, tr);
    };
    let mut rows: Vec<(&String, Decimal)> = chart
        .categories
        .iter()
        .zip(&series.values)
        .filter_map(|(c, v)| v.map(|v| (c, v)))
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    let (top, _) = scale(rows.iter().map(|r| to_f64(r.1)).fold(0.0, f64::max));
    let row_h = 22.0;
    let height = TOP + row_h * rows.len() as f64 + 8.0;
    let left = 120.0;
    let right = 110.0;
    let plot_w = WIDTH - left - right;
    html! {
        figure.chart id=(chart.id) {
            figcaption id=(format!("{}-title", chart.id)) { (chart.title) }
            (legend(chart))
            svg viewBox=(format!("0 0 {WIDTH} {height}")) role="img"
                aria-labelledby=(format!("{}-title", chart.id)) {
                @for (i, (category, value)) in rows.iter().enumerate() {
                    @let y = TOP + row_h * i as f64;
                    @let w = plot_w * to_f64(*value).max(0.0) / top;
                    text.label x=(left - 6.0) y=(y + 15.0) text-anchor="end" { (category) }
                    rect.c0 x=(left) y=(y + 3.0) width=(w.max(1.0)) height=(row_h - 6.0) {
                        title { (category) ": " ((chart.format)(lang, *value)) }
                    }
                    text.value x=(left + w + 6.0) y=(y + 15.0) { ((chart.format)(lang, *value)) }
                }
            }
            (numbers(chart, tr))
        }
    }
}

#[cfg(test)]
mod tests {
    use hub_domain::i18n::Lang;

    use super::*;

    fn chart(values: Vec<Option<i64>>) -> Chart {
        Chart {
            id: "t".into(),
            title: "Test".into(),
            category_label: "Year".into(),
            categories: (0..values.len()).map(|i| format!("{}", 2020 + i)).collect(),
            series: vec![Series {
                label: "A".into(),
                values: values.into_iter().map(|v| v.map(Decimal::from)).collect(),
                emphasis: false,
            }],
            format: crate::format::usd,
        }
    }

    #[test]
    fn scales_round_up_to_a_readable_step() {
        assert_eq!(scale(87.0), (100.0, 25.0));
        assert_eq!(scale(1_200_000.0), (1_500_000.0, 500_000.0));
        assert_eq!(scale(0.0), (1.0, 0.25));
    }

    #[test]
    fn every_number_of_a_chart_is_in_its_table() {
        let html = bars(&chart(vec![Some(120), None, Some(300)]), true, Tr(Lang::Es)).into_string();
        assert!(html.contains("<data value=\"120\">USD 120</data>"));
        assert!(html.contains("<data value=\"300\">USD 300</data>"));
        assert!(html.contains("<title>2022 · A: USD 300</title>"));
    }

    #[test]
    fn a_chart_without_data_says_so() {
        let html = lines(&chart(vec![None, None]), Tr(Lang::En)).into_string();
        assert!(!html.contains("<svg"));
        assert!(html.contains("class=\"empty\""));
    }
}

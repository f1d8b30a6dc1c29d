//! The complaint chart: a server-rendered SVG bar chart of complaint buckets, so the dashboard needs no
//! chart service and no JavaScript.
//!
//! Each bucket gets two bars side by side: received reports (lighter) and unique complaints. Colours come
//! from `currentColor` and the CSS classes `chart-received`, `chart-unique` and `chart-axis`, so the page's
//! light and dark styles apply. The chart is an `img` for assistive technology, named by its `<title>` and
//! summarised in words by its `<desc>`; each bar carries its own `<title>` with the exact numbers.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use super::counts::thousands;
use super::rates::{Bucket, Granularity};

const MARGIN_LEFT: f64 = 56.0;
const MARGIN_RIGHT: f64 = 12.0;
const MARGIN_TOP: f64 = 24.0;
const MARGIN_BOTTOM: f64 = 32.0;
const FONT_SIZE: f64 = 11.0;
/// The average advance of a digit at [`FONT_SIZE`], for estimating label widths without a font.
const CHAR_WIDTH: f64 = 6.6;
/// Labels closer than this (in pixels) would touch.
const LABEL_GAP: f64 = 10.0;
/// Smaller charts have no room for axes and labels.
const MIN_WIDTH: u32 = 320;
const MIN_HEIGHT: u32 = 140;
/// Lighter received bars when no page CSS overrides them.
const RECEIVED_OPACITY: &str = "0.35";

/// An accessible SVG bar chart of unique complaints per bucket with the received count as a lighter bar
/// beside it. `<title>` and `<desc>` elements; axis labels (bucket start dates) thinned to fit; the y-axis
/// maximum rounded up to a nice number; all text XML-escaped; no JavaScript; CSS classes `chart-unique`,
/// `chart-received` and `chart-axis` and `currentColor`. With no complaints at all it says so instead.
pub fn svg_chart(buckets: &[Bucket], granularity: Granularity, title: &str, width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width.max(MIN_WIDTH)), f64::from(height.max(MIN_HEIGHT)));
    let (plot_w, plot_h) = (w - MARGIN_LEFT - MARGIN_RIGHT, h - MARGIN_TOP - MARGIN_BOTTOM);
    let base = MARGIN_TOP + plot_h;
    let id = chart_id(buckets, title, width, height);
    let peak = buckets.iter().map(|b| b.received.max(b.unique)).max().unwrap_or(0);
    let y_max = nice_ceiling(peak);

    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-size="{FONT_SIZE}">"#
    );
    let _ = write!(svg, r#"<title id="{id}-title">{}</title>"#, escape(title));
    let _ = write!(svg, r#"<desc id="{id}-desc">{}</desc>"#, escape(&describe(buckets, granularity)));
    // The axes: the baseline and the y axis.
    let _ = write!(
        svg,
        r#"<g class="chart-axis" stroke="currentColor"><line x1="{MARGIN_LEFT}" y1="{base}" x2="{}" y2="{base}"/><line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{base}"/></g>"#,
        w - MARGIN_RIGHT
    );

    let slot = plot_w / buckets.len().max(1) as f64;
    if peak > 0 {
        legend(&mut svg);
        y_ticks(&mut svg, y_max, plot_h, w);
        for (i, b) in buckets.iter().enumerate() {
            let x = MARGIN_LEFT + i as f64 * slot;
            let tip = escape(&format!(
                "{}: {}, {}",
                label(b, granularity),
                quantity(b.unique, "unique complaint", "unique complaints"),
                quantity(b.received, "report received", "reports received"),
            ));
            let bar = |value: i64| value.max(0) as f64 / y_max as f64 * plot_h;
            let (received, unique) = (bar(b.received), bar(b.unique));
            let _ = write!(
                svg,
                r#"<rect class="chart-received" x="{:.1}" y="{:.1}" width="{:.1}" height="{received:.1}" fill="currentColor" fill-opacity="{RECEIVED_OPACITY}"><title>{tip}</title></rect>"#,
                x + slot * 0.1,
                base - received,
                slot * 0.4,
            );
            let _ = write!(
                svg,
                r#"<rect class="chart-unique" x="{:.1}" y="{:.1}" width="{:.1}" height="{unique:.1}" fill="currentColor"><title>{tip}</title></rect>"#,
                x + slot * 0.5,
                base - unique,
                slot * 0.4,
            );
        }
    } else {
        let _ = write!(
            svg,
            r#"<text class="chart-axis" x="{}" y="{}" text-anchor="middle" fill="currentColor">No complaints in this period</text>"#,
            MARGIN_LEFT + plot_w / 2.0,
            MARGIN_TOP + plot_h / 2.0,
        );
    }
    x_labels(&mut svg, buckets, granularity, slot, base, w);
    svg.push_str("</svg>");
    svg
}

/// A short, stable id so the `aria-labelledby` references of two charts on one page do not collide.
fn chart_id(buckets: &[Bucket], title: &str, width: u32, height: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    hasher.update(format!("{width}x{height}:{}", buckets.len()).as_bytes());
    if let Some(first) = buckets.first() {
        hasher.update(first.start.to_rfc3339().as_bytes());
    }
    format!("chart-{}", &hex::encode(hasher.finalize())[..12])
}

/// The chart in words, for screen readers.
fn describe(buckets: &[Bucket], granularity: Granularity) -> String {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return "No complaints in this period.".to_owned();
    };
    let per = granularity.as_str();
    let range = format!("per {per} from {} to {}", label(first, granularity), label(last, granularity));
    let unique = buckets.iter().fold(0_i64, |sum, b| sum.saturating_add(b.unique));
    let received = buckets.iter().fold(0_i64, |sum, b| sum.saturating_add(b.received));
    if unique == 0 && received == 0 {
        return format!("No complaints in this period ({range}).");
    }
    let mut text = format!(
        "Unique complaints (dark bars) and reports received (light bars) {range}: {} and {} in total.",
        quantity(unique, "unique complaint", "unique complaints"),
        quantity(received, "report received", "reports received"),
    );
    // The first of the busiest buckets (max_by_key would pick the last).
    if let Some(busiest) = buckets.iter().rev().max_by_key(|b| b.unique).filter(|b| b.unique > 0) {
        let _ = write!(
            text,
            " The most in one {per} was {} unique on {}.",
            thousands(busiest.unique),
            label(busiest, granularity)
        );
    }
    text
}

/// The legend above the plot.
fn legend(svg: &mut String) {
    let x = MARGIN_LEFT;
    let y = MARGIN_TOP - 16.0;
    let _ = write!(
        svg,
        r#"<g class="chart-legend"><rect class="chart-unique" x="{x}" y="{y}" width="10" height="10" fill="currentColor"/><text class="chart-axis" x="{}" y="{}" fill="currentColor">unique complaints</text><rect class="chart-received" x="{}" y="{y}" width="10" height="10" fill="currentColor" fill-opacity="{RECEIVED_OPACITY}"/><text class="chart-axis" x="{}" y="{}" fill="currentColor">reports received</text></g>"#,
        x + 14.0,
        y + 9.0,
        x + 120.0,
        x + 134.0,
        y + 9.0,
    );
}

/// 0, the maximum, and the middle when it is a whole number, with faint grid lines.
fn y_ticks(svg: &mut String, y_max: i64, plot_h: f64, w: f64) {
    let mut ticks = vec![0, y_max];
    if y_max % 2 == 0 {
        ticks.insert(1, y_max / 2);
    }
    for tick in ticks {
        let y = MARGIN_TOP + plot_h - tick as f64 / y_max as f64 * plot_h;
        let _ = write!(
            svg,
            r#"<text class="chart-axis" x="{}" y="{:.1}" text-anchor="end" fill="currentColor">{}</text>"#,
            MARGIN_LEFT - 6.0,
            y + FONT_SIZE / 3.0,
            thousands(tick),
        );
        if tick > 0 {
            let _ = write!(
                svg,
                r#"<line class="chart-axis" x1="{MARGIN_LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="currentColor" stroke-opacity="0.15"/>"#,
                w - MARGIN_RIGHT,
            );
        }
    }
}

/// Bucket start labels under the bars, every `k`-th bucket so that labels never overlap.
fn x_labels(svg: &mut String, buckets: &[Bucket], granularity: Granularity, slot: f64, base: f64, w: f64) {
    let label_width = label_chars(granularity) as f64 * CHAR_WIDTH + LABEL_GAP;
    let every = ((label_width / slot).ceil() as usize).max(1);
    for (i, b) in buckets.iter().enumerate().step_by(every) {
        // Centred under the bucket, but kept inside the chart at both ends.
        let centre = MARGIN_LEFT + (i as f64 + 0.5) * slot;
        let low = label_width / 2.0;
        let x = centre.clamp(low, (w - low).max(low));
        let _ = write!(
            svg,
            r#"<text class="chart-axis" x="{x:.1}" y="{:.1}" text-anchor="middle" fill="currentColor">{}</text>"#,
            base + FONT_SIZE + 6.0,
            escape(&label(b, granularity)),
        );
    }
}

fn label(b: &Bucket, granularity: Granularity) -> String {
    match granularity {
        Granularity::Hour => b.start.format("%m-%d %H:00").to_string(),
        Granularity::Day | Granularity::Week => b.start.format("%Y-%m-%d").to_string(),
    }
}

fn label_chars(granularity: Granularity) -> usize {
    match granularity {
        Granularity::Hour => "11-24 09:00".len(),
        Granularity::Day | Granularity::Week => "2026-11-24".len(),
    }
}

fn quantity(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The smallest 1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten that is at least `max` (1 for nothing), so
/// the axis reads 0–25 rather than 0–22, without wasting half the plot (0–50).
pub(super) fn nice_ceiling(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut power = 1_i64;
    while let Some(next) = power.checked_mul(10).filter(|&p| p <= max) {
        power = next;
    }
    // In tenths of `power`; 2.5 only where it is a whole number.
    [10, 20, 25, 30, 40, 50, 60, 80, 100]
        .iter()
        .filter_map(|&tenths| power.checked_mul(tenths))
        .filter(|scaled| scaled % 10 == 0)
        .map(|scaled| scaled / 10)
        .find(|&nice| nice >= max)
        .unwrap_or(max)
}

/// XML-escapes text and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone, Utc};

    fn days(counts: &[(i64, i64)]) -> Vec<Bucket> {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        (0_i64..)
            .zip(counts)
            .map(|(i, &(unique, received))| Bucket { start: start + TimeDelta::days(i), received, unique })
            .collect()
    }

    /// The heights of the bars (not the legend's swatch) of one class, in order.
    fn heights(svg: &str, class: &str) -> Vec<String> {
        svg.split(&format!(r#"<rect class="{class}""#))
            .skip(1)
            .map(|rest| &rest[..rest.find('>').unwrap()])
            .filter(|attributes| !attributes.ends_with('/'))
            .map(|attributes| attributes.split(r#"height=""#).nth(1).unwrap().split('"').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_title_is_escaped() {
        let svg = svg_chart(&days(&[(1, 1)]), Granularity::Day, r#"Complaints <&> "AS64500""#, 600, 240);
        assert!(svg.contains(">Complaints &lt;&amp;&gt; &quot;AS64500&quot;</title>"), "{svg}");
        assert!(!svg.contains("<&>"));
    }

    #[test]
    fn a_period_without_complaints_says_so() {
        for buckets in [Vec::new(), days(&[(0, 0), (0, 0)])] {
            let svg = svg_chart(&buckets, Granularity::Day, "Complaints", 600, 240);
            assert!(svg.contains(">No complaints in this period</text>"), "{svg}");
            assert!(heights(&svg, "chart-unique").is_empty());
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        }
        let svg = svg_chart(&days(&[(0, 0), (0, 0)]), Granularity::Day, "Complaints", 600, 240);
        assert!(svg.contains(">2026-11-23</text>"));
    }

    #[test]
    fn bar_heights_are_proportional_to_the_counts() {
        // Peak 20 is already nice; the plot is 256 − 24 − 32 = 200 pixels high.
        let svg = svg_chart(&days(&[(10, 20), (5, 10), (0, 0)]), Granularity::Day, "Complaints", 600, 256);
        assert_eq!(heights(&svg, "chart-unique"), ["100.0", "50.0", "0.0"]);
        assert_eq!(heights(&svg, "chart-received"), ["200.0", "100.0", "0.0"]);
        assert!(svg.contains(">20</text>") && svg.contains(">10</text>") && svg.contains(">0</text>"));
        assert!(svg.contains("<title>2026-11-23: 10 unique complaints, 20 reports received</title>"));
    }

    #[test]
    fn the_y_axis_ends_on_a_nice_number() {
        let cases = [
            (0, 1),
            (1, 1),
            (3, 3),
            (7, 8),
            (10, 10),
            (11, 20),
            (22, 25),
            (43, 50),
            (99, 100),
            (250, 250),
            (1_001, 2_000),
        ];
        for (max, nice) in cases {
            assert_eq!(nice_ceiling(max), nice, "{max}");
        }
        assert!(nice_ceiling(i64::MAX) >= i64::MAX / 2);
        let svg = svg_chart(&days(&[(43, 43)]), Granularity::Day, "Complaints", 600, 240);
        assert!(svg.contains(">50</text>") && !svg.contains(">43</text>"));
    }

    #[test]
    fn axis_labels_are_thinned_to_fit() {
        let year = days(&[(1, 2); 365]);
        let svg = svg_chart(&year, Granularity::Day, "A year", 600, 240);
        let labels = svg.matches(r#"text-anchor="middle" fill="currentColor">20"#).count();
        // 532 pixels of plot, 76 per label: at most 7 fit.
        assert!((2..=7).contains(&labels), "{labels}");
        let hours = svg_chart(&days(&[(1, 1); 3]), Granularity::Hour, "Hours", 600, 240);
        assert!(hours.contains(">11-23 00:00</text>"));
    }

    #[test]
    fn the_chart_is_accessible_and_static() {
        let svg = svg_chart(&days(&[(2, 4), (0, 0), (1, 2)]), Granularity::Day, "Complaints", 600, 240);
        let id = chart_id(&days(&[(2, 4), (0, 0), (1, 2)]), "Complaints", 600, 240);
        assert!(svg.contains(&format!(r#"role="img" aria-labelledby="{id}-title {id}-desc""#)));
        assert!(svg.contains(&format!(
            r#"<desc id="{id}-desc">Unique complaints (dark bars) and reports received (light bars) per day from 2026-11-23 to 2026-11-25: 3 unique complaints and 6 reports received in total. The most in one day was 2 unique on 2026-11-23.</desc>"#
        )));
        assert!(svg.contains(r#"class="chart-axis""#) && svg.contains("currentColor"));
        assert!(!svg.contains("<script"));
        assert!(!svg.split(' ').any(|word| word.starts_with("on") && word.contains('=')), "no event handlers");
        assert_ne!(id, chart_id(&[], "Other complaints", 600, 240));
    }
}
